import Foundation
import Hummingbird
import Shared
import Synchronization
import Testing

@testable import AuthServerCore

/// The consent page names the tools each scope opens, from the resource-server's published metadata.
@Suite("Tools on the consent page")
struct ConsentToolsTests {
    static let tools = [
        PublishedTool(name: "whoami", scopes: [], kind: .read),
        PublishedTool(name: "get_ticket", scopes: ["tickets:read"], kind: .read),
        PublishedTool(name: "snapshot", scopes: ["customers:read", "tickets:read"], kind: .read),
        PublishedTool(name: "close_ticket", scopes: ["tickets:write"], kind: .highTrust),
        PublishedTool(name: "update_ticket_status", scopes: ["tickets:write"], kind: .write, roles: ["admin", "technician"]),
        PublishedTool(name: "future_tool", scopes: ["tickets:write"], kind: .write, roles: ["auditor"]),
    ]

    @Test("A scope opens the tools that need it, whose other scopes are granted too and that are for the person's role; scope-less tools are not named")
    func openedTools() {
        #expect(ResourceToolCatalog.tools(Self.tools, openedBy: "tickets:read", within: ["tickets:read"], for: .company).map(\.name) == ["get_ticket"])
        #expect(ResourceToolCatalog.tools(Self.tools, openedBy: "tickets:read", within: ["tickets:read", "customers:read"], for: .admin).map(\.name)
            == ["get_ticket", "snapshot"])
        #expect(ResourceToolCatalog.tools(Self.tools, openedBy: "offline_access", within: ["offline_access"], for: .admin).isEmpty)
        #expect(ResourceToolCatalog.tools(Self.tools, openedBy: "tickets:write", within: ["tickets:write"], for: .technician).map(\.name)
            == ["close_ticket", "update_ticket_status"])
        #expect(ResourceToolCatalog.tools(Self.tools, openedBy: "tickets:write", within: ["tickets:write"], for: .company).map(\.name) == ["close_ticket"],
            "a staff-only tool is not promised to a company user, and a role this server does not know hides only its tool")
    }

    @Test("The metadata is read from the RFC 9728 URL of the resource, kept ten seconds, and a failure is retried after half a minute")
    func caching() async {
        let fetched = Mutex<[String]>([])
        let failing = Mutex(false)
        let catalog = ResourceToolCatalog { url in
            fetched.withLock { $0.append(url) }
            if failing.withLock({ $0 }) { throw CancellationError() }
            return Data(#"{"scopes_supported":["tickets:read"],"gatehouse_tools":[{"name":"get_ticket","scopes":["tickets:read"],"kind":"read"}]}"#.utf8)
        }
        let start = Date()
        let resource = "https://acme.example.com/mcp"
        #expect(await catalog.tools(forResource: resource, now: start).map(\.name) == ["get_ticket"])
        #expect(await catalog.published(forResource: resource, now: start.addingTimeInterval(9))?.scopes == ["tickets:read"])
        #expect(fetched.withLock { $0 } == ["https://acme.example.com/.well-known/oauth-protected-resource/mcp"])
        failing.withLock { $0 = true }
        #expect(await catalog.tools(forResource: resource, now: start.addingTimeInterval(11)).isEmpty)
        #expect(await catalog.published(forResource: resource, now: start.addingTimeInterval(40)) == nil, "unreadable: nil, so nothing is narrowed")
        #expect(fetched.withLock { $0.count } == 2, "a failure is not retried for 30 s")
        failing.withLock { $0 = false }
        #expect(await catalog.tools(forResource: resource, now: start.addingTimeInterval(42)).map(\.name) == ["get_ticket"])
    }

    @Test("The consent page lists each scope's tools for the person's role, and says a high-trust tool needs a recent second factor",
          arguments: [Role.technician, .company])
    func consentPageNamesTools(role: Role) async throws {
        try await AuthServerHTTPTests.withApplication { environment, client in
            let person = try await environment.addPerson(email: "person@example.com", role: role)
            let page = try await Browser(client: client).consentPage(environment, for: person, scope: "tickets:read tickets:write")
            #expect(page.status == .ok)
            #expect(page.body.contains(#"<code class="tool">get_ticket</code>"#))
            #expect(page.body.contains(#"<code class="tool">close_ticket</code> (needs a second factor from the last 15 minutes)"#))
            // update_ticket_status is for staff: a company user is not told the grant lets the app change statuses.
            #expect(page.body.contains(#"<code class="tool">update_ticket_status</code>"#) == (role != .company))
            #expect(!page.body.contains("get_customer_status_snapshot"), "it also needs customers:read, which is not asked for")
            #expect(!page.body.contains(">whoami<"))
        }
    }
}
