import AsyncHTTPClient
import Foundation
import NIOCore
import Shared
import Synchronization

/// What the resource-server publishes in its RFC 9728 metadata for the tenant: the tools a grant opens
/// (`gatehouse_tools`), so the consent page can name them under each scope, and `scopes_supported`, which leaves
/// out the scopes of modules the tenant switched off, so consent stops offering and granting them. Read from the
/// tenant's resource metadata URL and kept ten seconds (a switch should reach consent about as fast as it reaches
/// the resource-server); when it cannot be read, the page shows the scopes alone, every scope stays grantable as
/// before switches existed, and the next try waits half a minute, so a resource-server outage never slows consent
/// down for long.
public final class ResourceToolCatalog: Sendable {
    public typealias Fetch = @Sendable (_ url: String) async throws -> Data

    /// One reading of the metadata.
    public struct Published: Sendable, Equatable {
        public let tools: [PublishedTool]
        /// `scopes_supported`; nil when the metadata has none.
        public let scopes: Set<String>?
    }

    private struct Entry {
        let published: Published?
        let expires: Date
    }

    private struct Metadata: Decodable {
        let tools: [PublishedTool]?
        let scopes: [String]?
        enum CodingKeys: String, CodingKey {
            case tools = "gatehouse_tools"  // PublishedTool.metadataMember
            case scopes = "scopes_supported"
        }
    }

    static let lifetime: TimeInterval = 10
    static let retryAfterFailure: TimeInterval = 30

    private let fetch: Fetch
    private let entries = Mutex<[String: Entry]>([:])
    private let references = Mutex<[String: (document: ToolReference.Document?, expires: Date)]>([:])

    public init(fetch: @escaping Fetch = ResourceToolCatalog.httpFetch) {
        self.fetch = fetch
    }

    public func tools(forResource resource: String, now: Date = Date()) async -> [PublishedTool] {
        await published(forResource: resource, now: now)?.tools ?? []
    }

    /// The metadata's tools and scopes; nil when it cannot be read.
    public func published(forResource resource: String, now: Date = Date()) async -> Published? {
        if let entry = entries.withLock({ $0[resource] }), entry.expires > now { return entry.published }
        let published: Published?
        do {
            let metadata = try JSONDecoder().decode(Metadata.self, from: try await fetch(ProtectedResourceMetadataLocation.url(forResource: resource)))
            published = Published(tools: metadata.tools ?? [], scopes: metadata.scopes.map(Set.init))
        } catch {
            published = nil
        }
        entries.withLock {
            $0[resource] = Entry(published: published, expires: now.addingTimeInterval(published == nil ? Self.retryAfterFailure : Self.lifetime))
        }
        return published
    }

    /// The tools reference the resource-server generates from its registry (`ToolReference.path`), for the /tools
    /// page; nil when it cannot be read. Kept and retried like the metadata.
    public func reference(forResource resource: String, now: Date = Date()) async -> ToolReference.Document? {
        if let entry = references.withLock({ $0[resource] }), entry.expires > now { return entry.document }
        let document = try? JSONDecoder().decode(ToolReference.Document.self, from: try await fetch(ToolReference.url(forResource: resource)))
        references.withLock {
            $0[resource] = (document, now.addingTimeInterval(document == nil ? Self.retryAfterFailure : Self.lifetime))
        }
        return document
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
        // The reference, with every tool's schemas, is the larger of the two documents.
        return Data(buffer: try await response.body.collect(upTo: 4 << 20))
    }
}
