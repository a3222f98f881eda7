import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

@Suite("Bearer authentication at the HTTP layer")
struct AuthenticationTests {
    @Test("RFC 6750 §3.1, RFC 9728 §5.1: no token gets 401 naming the metadata and the scopes, without an error code")
    func missingToken() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: nil)
            #expect(response.status == .unauthorized)
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/mcp", scope="things:read""#
            )
        }
    }

    @Test("RFC 6750 §3.1: bad tokens get 401 invalid_token with a reason", arguments: [
        ("wrong audience", "https://other.example.com/mcp", Tenant.defaultID, Int64(600), "another resource"),
        ("wrong tenant", TestHouse.resource, "other", Int64(600), "another tenant"),
        ("expired", TestHouse.resource, Tenant.defaultID, Int64(-120), "expired"),
    ])
    func badTokens(label: String, audience: String, tenant: String, expiresIn: Int64, reason: String) async throws {
        let house = try await TestHouse()
        let token = try house.token(audience: audience, tenant: tenant, expiresIn: expiresIn)
        try await house.test { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: token)
            #expect(response.status == .unauthorized, "\(label)")
            let challenge = try #require(response.headers[.wwwAuthenticate])
            #expect(challenge.hasPrefix(#"Bearer error="invalid_token", error_description=""#))
            #expect(challenge.contains(reason))
        }
    }

    @Test("Malformed headers, PATs and foreign keys are refused", arguments: [
        "Basic dXNlcjpwYXNz", "Bearer", "Bearer not a token", "Bearer eyJhbGciOiJub25lIn0.e30.",
        "Bearer gatehouse_pat_000000000000000000000000000000000000",
    ])
    func refusedAuthorization(header: String) async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let response = try await client.execute(
                uri: "/mcp", method: .post, headers: [.authorization: header, .contentType: "application/json"],
                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
            )
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("A token signed by an unknown key is refused, and the JWKS is not refetched for every forged kid")
    func unknownKey() async throws {
        let house = try await TestHouse()
        let stranger = P256.Signing.PrivateKey()
        let now = Int64(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: TestHouse.issuer, subject: "x", audience: TestHouse.resource, clientID: "c", scope: "", issuedAt: now,
            expiresAt: now + 60, tokenID: "j", grantID: "g", tenantID: Tenant.defaultID
        )
        try await house.test { client in
            for index in 0..<5 {
                let forged = try AccessTokenSigner(keyID: "forged-\(index)", privateKey: stranger).sign(claims)
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: forged)
                #expect(response.status == .unauthorized)
            }
        }
        #expect(house.fetches.count == 1)
    }
}

@Suite("Key set and verified-token cache")
struct CacheTests {
    @Test("A verified token is not verified again: the second call needs no key")
    func verifiedTokenCache() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let available = Counter()
        let key = house.signingKey.publicKey
        let keys = RemoteKeySet(logger: Logger(label: "test")) {
            available.increment()
            // Only the first fetch knows the key: a second verification would fail.
            return available.count == 1 ? ["test-key": key] : [:]
        }
        let cache = VerifiedTokenCache()
        let authenticator = BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID), keys: keys,
            cache: cache
        )
        let first = try await authenticator.authenticate(Substring(token))
        let second = try await authenticator.authenticate(Substring(token))
        #expect(first == second)
        #expect(cache.count == 1)
        #expect(available.count == 1)
        cache.remove(affectedBy: RevocationEvent(seq: 1, kind: .grant, subject: "grant-1", at: 0))
        #expect(cache.count == 0)
    }

    @Test("The cache stays bounded and drops expired tokens")
    func bounded() throws {
        let cache = VerifiedTokenCache(capacity: 3)
        for index in 0..<10 {
            let claims = AccessTokenClaims(
                issuer: "i", subject: "s", audience: "a", clientID: "c", scope: "", issuedAt: 0, expiresAt: 100, tokenID: "\(index)",
                grantID: "g", tenantID: "t"
            )
            cache.insert(Caller(claims: claims, tokenKind: .accessToken), for: SHA256.hash(data: Data("\(index)".utf8)), now: 50)
            #expect(cache.count <= 3)
        }
        #expect(cache.caller(for: SHA256.hash(data: Data("9".utf8)), now: 50) != nil)
        #expect(cache.caller(for: SHA256.hash(data: Data("9".utf8)), now: 100 + AccessTokenVerifier.leewaySeconds + 1) == nil)
    }

    @Test("An unknown kid refetches at most once per interval; concurrent lookups share one fetch")
    func refetchInterval() async throws {
        let fetches = Counter()
        let keys = RemoteKeySet(minimumRefetchInterval: .seconds(30), logger: Logger(label: "test")) {
            fetches.increment()
            try await Task.sleep(for: .milliseconds(50))
            return [:]
        }
        async let a = keys.key(id: "a")
        async let b = keys.key(id: "b")
        _ = await (a, b)
        #expect(fetches.count == 1)
        _ = await keys.key(id: "c")
        #expect(fetches.count == 1)

        let eager = RemoteKeySet(minimumRefetchInterval: .zero, logger: Logger(label: "test")) {
            fetches.increment()
            return [:]
        }
        _ = await eager.key(id: "a")
        _ = await eager.key(id: "a")
        #expect(fetches.count == 3)
    }
}

@Suite("When the auth-server cannot be reached")
struct KeysUnavailableTests {
    struct Down: Error {}

    @Test("An unreachable JWKS is 503 with Retry-After, not invalid_token: the client keeps its token")
    func serviceUnavailable() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let router = try await ResourceServerApplication.router(environment: house.environment, logger: Logger(label: "test")) { _ in
            { throw Down() }
        }
        try await Application(router: router).test(.router) { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token)
            #expect(response.status == .serviceUnavailable)
            #expect(response.headers[.retryAfter] == "5")
            #expect(response.headers[.wwwAuthenticate] == nil)
        }
    }

    @Test("Keys already known keep working while the auth-server is down")
    func staleKeysServe() async throws {
        let house = try await TestHouse()
        let up = Counter()
        let key = house.signingKey.publicKey
        let keys = RemoteKeySet(minimumRefetchInterval: .zero, maximumAge: .zero, logger: Logger(label: "test")) {
            up.increment()
            if up.count > 1 { throw Down() }
            return ["test-key": key]
        }
        let authenticator = BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID), keys: keys)
        _ = try await authenticator.authenticate(Substring(try house.token()))
        // A new token (not cached) signed with the known key verifies although the refetch fails…
        _ = try await authenticator.authenticate(Substring(try house.token()))
        // …and a token with an unknown kid is reported as unavailable, not as a bad token.
        let stranger = try AccessTokenSigner(keyID: "other", privateKey: P256.Signing.PrivateKey()).sign(
            AccessTokenClaims(
                issuer: TestHouse.issuer, subject: "s", audience: TestHouse.resource, clientID: "c", scope: "",
                issuedAt: Int64(Date().timeIntervalSince1970), expiresAt: Int64(Date().timeIntervalSince1970) + 60, tokenID: "j",
                grantID: "g", tenantID: Tenant.defaultID))
        await #expect(throws: BearerAuthenticationError.authorizationServerUnavailable) { try await authenticator.authenticate(Substring(stranger)) }
    }
}
