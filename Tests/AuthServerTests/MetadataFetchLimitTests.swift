import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// Abuse protection (MCP authorization spec (2025-11-25) § Authorization Server Abuse Protection): anyone can make us
/// fetch a URL by naming it as a client_id, so each address may start only
/// `AuthPolicy.MetadataDocuments.fetchesPerAddressPerHour` fetches an hour.
@Suite("Metadata document fetch limit")
struct MetadataFetchLimitTests {
    static let limit = AuthPolicy.MetadataDocuments.fetchesPerAddressPerHour

    @Test("an address that used up its fetches is refused without a fetch; cached and pinned documents and other addresses are not")
    func resolverLimit() async throws {
        try await MetadataDocumentTestServer.with { port, record in
            let clock = CIMDClientResolverTests.Clock()
            let pinnedURL = "http://127.0.0.1:\(port)/pinned.json"
            let pinnedJSON = Data(#"{"client_id":"\#(pinnedURL)","client_name":"Pinned","redirect_uris":["http://127.0.0.1/callback"]}"#.utf8)
            let resolver = CIMDClientResolverTests.resolver(
                pinned: PinnedClientMetadataDocuments([try ClientMetadataDocument(json: pinnedJSON, clientID: nil, allowLoopbackHTTP: true)]),
                clock: clock)
            let cached = "http://127.0.0.1:\(port)/doc"
            let missing = "http://127.0.0.1:\(port)/not-found"
            let attacker = ClientAddress(IPAddress("198.51.100.7")!)
            _ = try await resolver.resolve(cached, onBehalfOf: attacker)
            for _ in 1..<Self.limit {
                await #expect(throws: CIMDResolutionError.fetchFailed(missing, .status(404))) { try await resolver.resolve(missing, onBehalfOf: attacker) }
            }
            await #expect(throws: CIMDResolutionError.tooManyFetches(missing)) { try await resolver.resolve(missing, onBehalfOf: attacker) }
            #expect(await record.count("/not-found") == Self.limit - 1, "the refused request fetched nothing")
            // What costs no fetch still works for that address.
            #expect(try await resolver.resolve(cached, onBehalfOf: attacker).clientID == cached)
            #expect(try await resolver.resolve(pinnedURL, onBehalfOf: attacker).clientName == "Pinned")
            #expect(await record.count("/doc") == 1)
            // Another address, and requests whose address is unknown, have their own allowance.
            await #expect(throws: CIMDResolutionError.fetchFailed(missing, .status(404))) { try await resolver.resolve(missing, onBehalfOf: ClientAddress(IPAddress("203.0.113.9")!)) }
            await #expect(throws: CIMDResolutionError.fetchFailed(missing, .status(404))) { try await resolver.resolve(missing, onBehalfOf: nil) }
            // An hour later the address may fetch again.
            clock.advance(3600)
            await #expect(throws: CIMDResolutionError.fetchFailed(missing, .status(404))) { try await resolver.resolve(missing, onBehalfOf: attacker) }
        }
    }

    @Test("over HTTP: /oauth/authorize answers a 429 page once the address is over its limit; pinned and registered clients still work")
    func authorizeLimit() async throws {
        try await AuthServerHTTPTests.withApplication { _, client in
            func authorize(_ clientID: String) async throws -> TestResponse {
                let query = Browser.formEncode([
                    ("response_type", "code"), ("client_id", clientID), ("redirect_uri", "http://127.0.0.1:50123/callback"),
                    ("code_challenge", OAuthHouse.challenge), ("code_challenge_method", "S256"),
                ])
                return try await client.execute(uri: "/oauth/authorize?" + query, method: .get) { $0 }
            }
            // Each a new URL on a loopback address: refused by the fetcher at once, but a fetch begun all the same.
            for index in 0..<Self.limit {
                let refused = try await authorize("https://127.0.0.1/client-\(index).json")
                #expect(refused.status == .badRequest)
            }
            let limited = try await authorize("https://127.0.0.1/client-next.json")
            #expect(limited.status == .tooManyRequests)
            let page = String(buffer: limited.body)
            #expect(page.contains("too many documents") && page.contains("https://127.0.0.1/client-next.json"))
            #expect(limited.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)

            // The shipped pin for Claude Code needs no fetch: on to sign-in.
            let pinned = try await authorize("https://claude.ai/oauth/claude-code-client-metadata")
            #expect(pinned.status == .seeOther && pinned.headers[.location]?.hasPrefix("/login") == true, "\(pinned.status) \(String(buffer: pinned.body).prefix(300))")

            // The token endpoint is held to the same allowance.
            let token = try await OAuthHTTPTests.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=https://127.0.0.1/other.json")
            #expect(try AuthServerHTTPTests.json(token)["error"] as? String == "invalid_client")
            #expect((try AuthServerHTTPTests.json(token)["error_description"] as? String)?.contains("too many documents") == true)
        }
    }
}
