import AsyncHTTPClient
import Foundation
import NIOCore
import Shared
import Synchronization

/// The tools a grant opens, as the resource-server publishes them (`gatehouse_tools` in its RFC 9728
/// metadata), so the consent page can name them under each scope. Read from the tenant's resource
/// metadata URL and kept five minutes; when it cannot be read, the page shows the scopes alone and the
/// next try waits half a minute, so a resource-server outage never slows consent down for long.
public final class ResourceToolCatalog: Sendable {
    public typealias Fetch = @Sendable (_ url: String) async throws -> Data

    private struct Entry {
        let tools: [PublishedTool]
        let expires: Date
    }

    private struct Metadata: Decodable {
        let tools: [PublishedTool]?
        enum CodingKeys: String, CodingKey { case tools = "gatehouse_tools" }  // PublishedTool.metadataMember
    }

    static let lifetime: TimeInterval = 300
    static let retryAfterFailure: TimeInterval = 30

    private let fetch: Fetch
    private let entries = Mutex<[String: Entry]>([:])

    public init(fetch: @escaping Fetch = ResourceToolCatalog.httpFetch) {
        self.fetch = fetch
    }

    public func tools(forResource resource: String, now: Date = Date()) async -> [PublishedTool] {
        if let entry = entries.withLock({ $0[resource] }), entry.expires > now { return entry.tools }
        let tools: [PublishedTool]?
        do {
            let data = try await fetch(ProtectedResourceMetadataLocation.url(forResource: resource))
            tools = try JSONDecoder().decode(Metadata.self, from: data).tools ?? []
        } catch {
            tools = nil
        }
        entries.withLock {
            $0[resource] = Entry(tools: tools ?? [], expires: now.addingTimeInterval(tools == nil ? Self.retryAfterFailure : Self.lifetime))
        }
        return tools ?? []
    }

    /// The tools a grant of `scopes` lets an app call for a person of `role`, under `scope`: those that
    /// need it, whose other scopes are granted too and that are for the role. Tools that need no scope
    /// are not named: every grant has them.
    public static func tools(_ tools: [PublishedTool], openedBy scope: String, within scopes: Set<String>, for role: Role) -> [PublishedTool] {
        tools.filter { tool in
            tool.scopes.contains(scope) && Set(tool.scopes).isSubset(of: scopes) && tool.isFor(role)
        }
    }

    /// Our own resource-server, on its public URL: a trusted peer, so no SSRF guard, but a short deadline.
    public static let httpFetch: Fetch = { url in
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(2))
        guard response.status == .ok else { throw HTTPClientError.invalidURL }
        return Data(buffer: try await response.body.collect(upTo: 1 << 20))
    }
}
