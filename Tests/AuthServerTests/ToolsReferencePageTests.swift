import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// /tools: the reference the resource-server generates, for signed-in people only.
@Suite("Tools reference page")
struct ToolsReferencePageTests {
    static let reference = ToolReference.Document(tools: [
        ToolReference(
            name: "whoami", title: "Who am I", description: "Returns who this connection acts as.", kind: .read, module: nil, scopes: [], roles: nil,
            inputSchema: "{\n  \"type\" : \"object\"\n}", outputSchema: nil, errors: ["Tool error naming the argument."]),
        ToolReference(
            name: "list_invoices", title: "List invoices", description: "Lists invoices <sent> to customers.", kind: .read, module: .billing,
            scopes: ["billing:read"], roles: ["admin", "company"], inputSchema: "{\n  \"type\" : \"object\"\n}",
            outputSchema: "{\n  \"required\" : [\"invoices\"]\n}", errors: ["Tool error when billing is switched off."], switchedOff: true),
    ])

    static let catalog = ResourceToolCatalog { url in
        guard url == "https://acme.example.com/tools-reference" else { throw CancellationError() }
        return try JSONResponse.encoder.encode(reference)
    }

    @Test("Signed out, /tools sends the person to sign in and back")
    func needsSignIn() async throws {
        try await AuthServerHTTPTests.withApplication(resourceTools: Self.catalog) { _, client in
            let response = try await Browser(client: client).get("/tools")
            #expect(response.status == .seeOther && response.location == "/login?return_to=/tools")
        }
    }

    @Test("Signed in, every tool with its kind, module, scopes, roles, errors and schemas, escaped; switched-off ones marked; no script")
    func page() async throws {
        try await AuthServerHTTPTests.withApplication(resourceTools: Self.catalog) { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com", role: .technician)
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/tools")
            let page = try await browser.get("/tools")
            #expect(page.status == .ok)
            for text in [
                #"<h2 id="list_invoices-title"><code>list_invoices</code> List invoices <span class="badge badge-warning">switched off</span></h2>"#,
                "Lists invoices &lt;sent&gt; to customers.", "<dd>billing</dd>", "<code>billing:read</code>", "<dd>admin, company</dd>",
                "<li>Tool error when billing is switched off.</li>", "&quot;required&quot;", "<dd>everyone</dd>", #"<a href="/tools" aria-current="page""#,
            ] {
                #expect(page.body.contains(text), "\(text)")
            }
            #expect(!page.body.contains("<script"))
            #expect(page.body.components(separatedBy: "switched off</span>").count == 2, "only the switched-off tool is marked")
        }
    }

    @Test("When the resource-server cannot be asked, the page says so")
    func unavailable() async throws {
        try await AuthServerHTTPTests.withApplication(resourceTools: ResourceToolCatalog { _ in throw CancellationError() }) { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com", role: .technician)
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/tools")
            let page = try await browser.get("/tools")
            #expect(page.status == .ok && page.body.contains("cannot be read from the service desk right now"))
        }
    }
}
