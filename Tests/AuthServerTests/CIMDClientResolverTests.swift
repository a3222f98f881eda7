import Foundation
import Logging
import Synchronization
import Testing

@testable import AuthServerCore

/// Pinned copies, then the cache, then a fetch (CIMD draft § Metadata Caching), against a real local server.
@Suite("CIMD client resolver")
struct CIMDClientResolverTests {
    /// A clock the test moves by hand.
    final class Clock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { current.withLock { $0 } }
        func advance(_ seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    static func resolver(pinned: PinnedClientMetadataDocuments = .init(), clock: Clock = Clock()) -> CIMDClientResolver {
        CIMDClientResolver(
            pinned: pinned, fetcher: UntrustedURLFetcherTests.loopback, logger: Logger(label: "cimd-tests"), now: { clock.now() })
    }

    static func error(_ resolver: CIMDClientResolver, _ clientID: String) async -> CIMDResolutionError? {
        do {
            _ = try await resolver.resolve(clientID, onBehalfOf: nil)
            return nil
        } catch {
            return error
        }
    }

    @Test("a document is reused while its max-age lasts, and fetched again after")
    func maxAgeHonoured() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let clock = Clock()
            let resolver = Self.resolver(clock: clock)
            let url = "http://127.0.0.1:\(port)/cache/max-age-120"
            #expect(try await resolver.resolve(url, onBehalfOf: nil).clientID == url)
            clock.advance(100)
            _ = try await resolver.resolve(url, onBehalfOf: nil)
            #expect(await record.count("/cache/max-age-120") == 1)
            clock.advance(21)
            _ = try await resolver.resolve(url, onBehalfOf: nil)
            #expect(await record.count("/cache/max-age-120") == 2)
        }
    }

    @Test("without cache headers the default lifetime applies; no-store is used once and never kept")
    func defaultAndNoStore() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let clock = Clock()
            let resolver = Self.resolver(clock: clock)
            let plain = "http://127.0.0.1:\(port)/cache/none"
            _ = try await resolver.resolve(plain, onBehalfOf: nil)
            clock.advance(AuthPolicy.MetadataDocuments.defaultCacheSeconds - 1)
            _ = try await resolver.resolve(plain, onBehalfOf: nil)
            #expect(await record.count("/cache/none") == 1)
            clock.advance(2)
            _ = try await resolver.resolve(plain, onBehalfOf: nil)
            #expect(await record.count("/cache/none") == 2)

            let noStore = "http://127.0.0.1:\(port)/cache/no-store"
            #expect(try await resolver.resolve(noStore, onBehalfOf: nil).clientID == noStore)
            _ = try await resolver.resolve(noStore, onBehalfOf: nil)
            #expect(await record.count("/cache/no-store") == 2)
        }
    }

    @Test("fetch errors are not cached: the next request fetches again and can succeed")
    func errorsNotCached() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let resolver = Self.resolver()
            let url = "http://127.0.0.1:\(port)/flaky"
            #expect(await Self.error(resolver, url) == .fetchFailed(url, .status(500)))
            let document = try await resolver.resolve(url, onBehalfOf: nil)
            #expect(document.clientID == url)
            #expect(await record.count("/flaky") == 2)
        }
    }

    @Test("an invalid document is refused with the URL and not cached")
    func invalidNotCached() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let resolver = Self.resolver()
            let url = "http://127.0.0.1:\(port)/mismatch"
            let expected = CIMDResolutionError.invalidDocument(url, .clientIDMismatch(found: "https://elsewhere.example/client.json"))
            #expect(await Self.error(resolver, url) == expected)
            #expect(await Self.error(resolver, url) == expected)
            #expect(await record.count("/mismatch") == 2)
            #expect("\(expected)".contains(url))
        }
    }

    @Test("concurrent sign-ins for one client share one fetch")
    func singleFlight() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let resolver = Self.resolver()
            let url = "http://127.0.0.1:\(port)/slow-doc"
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await resolver.resolve(url, onBehalfOf: nil).clientID } }
                for try await clientID in group { #expect(clientID == url) }
            }
            #expect(await record.count("/slow-doc") == 1)
        }
    }

    @Test("a pinned document is used instead of fetching")
    func pinnedWins() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let url = "http://127.0.0.1:\(port)/doc"
            let json = Data(#"{"client_id":"\#(url)","client_name":"Pinned","redirect_uris":["http://127.0.0.1/callback"]}"#.utf8)
            let pinned = PinnedClientMetadataDocuments([try ClientMetadataDocument(json: json, clientID: nil, allowLoopbackHTTP: true)])
            let resolver = Self.resolver(pinned: pinned)
            #expect(try await resolver.resolve(url, onBehalfOf: nil).clientName == "Pinned")
            #expect(await record.count("/doc") == 0)
        }
    }

    @Test("ids that are not metadata document URLs are refused without a fetch, with a message naming them")
    func refusedIDs() async {
        let resolver = Self.resolver()
        #expect(resolver.kind(of: "http://127.0.0.1:9/client.json") == .metadataDocument)
        #expect(resolver.kind(of: "dcr_client_1") == .plain)
        #expect(await Self.error(resolver, "https://example.com/") == .invalidClientID("https://example.com/", .noPath))
        #expect(await Self.error(resolver, "dcr_client_1") == .invalidClientID("dcr_client_1", .notHTTPS))
        let message = "\(CIMDResolutionError.invalidClientID("https://example.com/", .noPath))"
        #expect(message.hasPrefix("The client_id 'https://example.com/' has no path"))
    }

    @Test("a fetch refused for its address says so on the page without naming the address")
    func forbiddenMessage() {
        let error = CIMDResolutionError.fetchFailed("https://evil.example/c.json", .forbiddenAddress(SpecialUseAddressBlock("private network", "10.0.0.0/8")))
        #expect("\(error)" == "The client's metadata document at https://evil.example/c.json may not be fetched: its host resolves to a private network address, not a public one.")
        #expect(error.logDetail.contains("10.0.0.0/8"))
        let unreachable = CIMDResolutionError.fetchFailed("https://x.example/c.json", .unreachable(detail: "NIOConnectionError 10.1.1.1:443"))
        #expect(!"\(unreachable)".contains("10.1.1.1"))
        #expect(unreachable.logDetail.contains("10.1.1.1"))
    }
}
