import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// The fetcher for client-supplied URLs, against a real server on a loopback port (CIMD draft § Client Information
/// Discovery, § Server Side Request Forgery (SSRF) Attacks).
@Suite("UntrustedURLFetcher")
struct UntrustedURLFetcherTests {
    static let limit = AuthPolicy.MetadataDocuments.maxDocumentBytes
    /// For the tests of what comes back rather than when: a two-core machine running every suite at once can keep a
    /// loopback answer waiting longer than the production deadlines, which the deadline tests below check on their own.
    static let loopback = UntrustedURLFetcher(allowLoopback: true, connectTimeout: .seconds(60), totalTimeout: .seconds(60))

    static func fetchError(_ url: String, with fetcher: UntrustedURLFetcher = loopback, maxBytes: Int = limit) async -> URLFetchError? {
        do {
            _ = try await fetcher.fetchJSON(url, maxBytes: maxBytes)
            return nil
        } catch {
            return error
        }
    }

    @Test("a 200 JSON document comes back with its body and cache headers")
    func ok() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let response = try await Self.loopback.fetchJSON("http://127.0.0.1:\(port)/cache/max-age-120", maxBytes: Self.limit)
            let json = try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect(json["client_id"] as? String == "http://127.0.0.1:\(port)/cache/max-age-120")
            #expect(response.cacheControl == "public, max-age=120")
            #expect(await record.count("/cache/max-age-120") == 1)
        }
    }

    @Test("application/*+json with parameters is JSON too")
    func vendorJSON() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            let response = try await Self.loopback.fetchJSON("http://127.0.0.1:\(port)/vendor-type", maxBytes: Self.limit)
            #expect(!response.body.isEmpty)
        }
    }

    @Test("a redirect is an error and is not followed")
    func redirectNotFollowed() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/redirect") == .redirect(status: 302))
            #expect(await record.count("/redirect") == 1)
            #expect(await record.count("/doc") == 0)
        }
    }

    @Test("any status but 200 is an error")
    func notFound() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/not-found") == .status(404))
        }
    }

    @Test("a body that is not JSON by its Content-Type is refused")
    func wrongContentType() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/html") == .contentType("text/html"))
        }
    }

    @Test("a streamed body is refused as soon as it passes the limit, without reading the rest")
    func oversizedStreamStopsReading() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            // The body never ends, so a fetcher that read on past the limit would meet its 60 s deadline instead.
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/streamed-large") == .tooLarge(limit: Self.limit))
        }
    }

    @Test("a declared Content-Length over the limit is refused before the body is read")
    func oversizedDeclared() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/declared-large") == .tooLarge(limit: Self.limit))
        }
    }

    @Test("the size limit is per call: a JWKS may be larger than a metadata document")
    func perCallLimit() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            let body = try await Self.loopback.fetchJSON("http://127.0.0.1:\(port)/declared-large", maxBytes: AuthPolicy.MetadataDocuments.maxJWKSBytes).body
            #expect(body.count == 64 * 1024)
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/declared-large", maxBytes: 64 * 1024 - 1) == .tooLarge(limit: 64 * 1024 - 1))
        }
    }

    // The two servers below never finish answering, so `.timedOut` can only come from the fetcher's own deadline. A
    // wall-clock bound would add nothing but flakiness: a two-core machine running every suite at once keeps a
    // cancelled request winding down for many seconds.
    @Test("a server slow to answer times out at the total deadline")
    func slowHead() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            let fetcher = UntrustedURLFetcher(allowLoopback: true, totalTimeout: .milliseconds(300))
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/slow-head", with: fetcher) == .timedOut)
        }
    }

    @Test("a server that trickles its body byte by byte times out at the total deadline too")
    func trickle() async throws {
        try await MetadataDocumentTestServer.with { port, _ in
            let fetcher = UntrustedURLFetcher(allowLoopback: true, totalTimeout: .milliseconds(500))
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/trickle", with: fetcher) == .timedOut)
        }
    }

    @Test("with allow-loopback off, loopback is refused before any connection, by https and by name")
    func loopbackRefusedWhenOff() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let strict = UntrustedURLFetcher(allowLoopback: false)
            #expect(await Self.fetchError("http://127.0.0.1:\(port)/doc", with: strict) == .notHTTPS)
            guard case .forbiddenAddress(let block) = await Self.fetchError("https://127.0.0.1:\(port)/doc", with: strict) else {
                Issue.record("loopback literal was not refused as a forbidden address")
                return
            }
            #expect(block.name == "loopback")
            guard case .forbiddenAddress = await Self.fetchError("https://localhost:\(port)/doc", with: strict) else {
                Issue.record("localhost was not refused as a forbidden address")
                return
            }
            guard case .forbiddenAddress = await Self.fetchError("https://[::1]:\(port)/doc", with: strict) else {
                Issue.record("[::1] was not refused as a forbidden address")
                return
            }
            #expect(await record.count("/doc") == 0)
        }
    }

    @Test("allow-loopback lets loopback through and nothing else private; plain http only to loopback")
    func allowLoopbackIsNarrow() async throws {
        let fakeDNS: UntrustedURLFetcher.Resolve = { host in
            switch host {
            case "private.example": [IPAddress("10.1.2.3")!]
            case "mixed.example": [IPAddress("93.184.216.34")!, IPAddress("192.168.1.1")!]
            case "public.example": [IPAddress("93.184.216.34")!]
            default: throw SystemHostResolver.Failure(description: "unknown")
            }
        }
        let fetcher = UntrustedURLFetcher(allowLoopback: true, resolve: fakeDNS)
        #expect(await Self.fetchError("https://private.example/doc", with: fetcher) == .forbiddenAddress(SpecialUseAddressBlock("private network", "10.0.0.0/8")))
        // One special-use address among public ones is enough to refuse.
        #expect(await Self.fetchError("https://mixed.example/doc", with: fetcher) == .forbiddenAddress(SpecialUseAddressBlock("private network", "192.168.0.0/16")))
        #expect(await Self.fetchError("http://public.example/doc", with: fetcher) == .notHTTPS)
        guard case .hostNotFound = await Self.fetchError("https://nowhere.example/doc", with: fetcher) else {
            Issue.record("an unknown host was not reported as such")
            return
        }
    }

    @Test("the connection goes to the checked address, with the URL's host name in the Host header")
    func pinnedAddress() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            // No DNS server knows this name; only the pinned address can reach the test server.
            let fetcher = UntrustedURLFetcher(allowLoopback: true, connectTimeout: .seconds(60), totalTimeout: .seconds(60)) { host in
                host == "cimd.test" ? [IPAddress("127.0.0.1")!] : []
            }
            let response = try await fetcher.fetchJSON("http://cimd.test:\(port)/doc", maxBytes: Self.limit)
            let json = try #require(JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect(json["client_id"] as? String == "http://cimd.test:\(port)/doc")
            #expect(await record.count("/doc") == 1)
        }
    }

    @Test("URLs that are not absolute http(s) with a host, or carry user info, are refused before resolving")
    func invalidURLs() async {
        let fetcher = UntrustedURLFetcher(allowLoopback: true) { _ in
            Issue.record("resolved a URL that should have been refused")
            return []
        }
        for url in ["ftp://example.com/doc", "/relative", "https://", "https://user:pw@example.com/doc", "not a url"] {
            #expect(await Self.fetchError(url, with: fetcher) == .invalidURL, "\(url)")
        }
    }

    @Test("media types: application/json and application/*+json, parameters ignored; nothing else")
    func mediaTypes() {
        for type in ["application/json", "Application/JSON", "application/json; charset=utf-8", "application/vnd.example+json"] {
            #expect(UntrustedURLFetcher.isJSON(type), "\(type)")
        }
        for type in ["text/json", "text/html", "application/jsonx", "application/+json", "application/x+json/y", "json", ""] {
            #expect(!UntrustedURLFetcher.isJSON(type), "\(type)")
        }
    }
}
