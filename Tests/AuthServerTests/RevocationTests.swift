import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

extension OAuthHouse {
    /// The revocation endpoint over the house's store, authenticating registered clients.
    var revocation: RevocationEndpoint {
        let assertions = ClientAssertionVerifier(
            keyCache: ClientJWKSCache(logger: Logger(label: "test")) { _ in throw URLError(.badURL) },
            replayStore: InMemoryClientAssertionReplayStore())
        let clients = ClientDirectory(storage: environment.storage, documents: NoDocuments())
        return RevocationEndpoint(
            limits: ClientRequestLimits(requestsPerMinute: AuthPolicy.TokenEndpoint.requestsPerMinute), storage: environment.storage, keyRing: environment.keyRing, authenticator: ClientAuthenticator(clients: clients, assertions: assertions),
            logger: Logger(label: "test"))
    }

    /// `client` revokes `token`; returns the grant that ended, if any.
    func revoke(_ token: String, by client: Client? = nil, hint: String? = nil, at now: Date = Date()) async throws -> String? {
        var fields = ["token": token, "client_id": (client ?? self.client).id]
        fields["token_type_hint"] = hint
        return try await revocation.revoke(try form(fields), authorization: nil, tenant: tenant, address: nil, now: now)
    }

    func isActive(_ grantID: String) async throws -> Bool {
        try await environment.storage.grant(tenantID: tenant.id, id: grantID)?.isActive == true
    }

    /// A second public client with the same redirect URI, and tokens issued to it for the house's person.
    func otherClientTokens() async throws -> (Client, TokenResponse) {
        var other = client
        other.id = "gh_" + RandomIdentifier.make()
        other.name = "Another app"
        try await environment.storage.saveClient(other)
        let code = try #require(try await authorizeAndAllow(["client_id": other.id]).parameter("code"))
        return (other, try await codeGrant.exchange(try codeForm(code), client: other, tenant: tenant, now: Date()))
    }
}

@Suite("Token revocation (RFC 7009)")
struct RevocationTests {
    @Test("revoking a refresh token ends its grant: the refresh fails with invalid_grant and connected apps no longer list it")
    func refreshToken() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let tokens = try await house.exchangeNewCode()
        let refreshToken = try #require(tokens.refreshToken)
        let grantID = try await house.claims(of: tokens).grantID
        #expect(try await house.revoke(refreshToken) == grantID)
        #expect(try await !house.isActive(grantID))
        let form = try house.form(["grant_type": "refresh_token", "refresh_token": refreshToken])
        await #expect(throws: OAuthError.invalidGrant("The refresh token is not valid")) {
            try await house.refreshGrant().exchange(form, client: house.client, tenant: house.tenant, now: Date())
        }
        let apps = ConnectedApps(storage: house.environment.storage, logger: Logger(label: "test"))
        #expect(try await apps.list(for: house.user, now: Date()).isEmpty)
        // Revoking again is a quiet no-op (§2.2).
        #expect(try await house.revoke(refreshToken) == nil)
    }

    @Test("revoking one of the client's access tokens ends its grant (sid), refresh token and all")
    func accessToken() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let tokens = try await house.exchangeNewCode()
        let grantID = try await house.claims(of: tokens).grantID
        #expect(try await house.revoke(tokens.accessToken) == grantID)
        #expect(try await !house.isActive(grantID))
        #expect(try await house.environment.storage.refreshToken(tenantID: house.tenant.id, tokenHash: OpaqueToken.hash(try #require(tokens.refreshToken))) == nil)
    }

    @Test("another client's refresh or access token is left alone, with the same quiet answer")
    func otherClientsToken() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let (other, tokens) = try await house.otherClientTokens()
        let grantID = try await house.claims(of: tokens).grantID
        #expect(try await house.revoke(try #require(tokens.refreshToken)) == nil)
        #expect(try await house.revoke(tokens.accessToken) == nil)
        #expect(try await house.isActive(grantID))
        // Its own client can.
        #expect(try await house.revoke(tokens.accessToken, by: other) == grantID)
    }

    @Test("expired, garbage and foreign-looking tokens change nothing", arguments: [
        "garbage", "gatehouse_rt_unknown", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", String(repeating: "a", count: 10_000), "a.b.c",
    ])
    func nothingHappens(token: String) async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let tokens = try await house.exchangeNewCode()
        let grantID = try await house.claims(of: tokens).grantID
        #expect(try await house.revoke(token) == nil)
        #expect(try await house.isActive(grantID))
    }

    @Test("an expired access token or an expired refresh token of the client ends nothing")
    func expired() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let tokens = try await house.exchangeNewCode()
        let grantID = try await house.claims(of: tokens).grantID
        let accessExpired = Date().addingTimeInterval(TimeInterval(AuthPolicy.accessTokenMaxLifetime + AccessTokenVerifier.leewaySeconds + 1))
        #expect(try await house.revoke(tokens.accessToken, at: accessExpired) == nil)
        let refreshExpired = Date().addingTimeInterval(AuthPolicy.refreshTokenLifetime + 1)
        #expect(try await house.revoke(try #require(tokens.refreshToken), at: refreshExpired) == nil)
        #expect(try await house.isActive(grantID))
    }

    @Test("token_type_hint is ignored: a wrong or unknown hint still finds the token", arguments: [
        ("refresh", "access_token"), ("refresh", "nonsense"), ("access", "refresh_token"), ("access", ""),
    ])
    func hintIgnored(kind: String, hint: String) async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let tokens = try await house.exchangeNewCode()
        let grantID = try await house.claims(of: tokens).grantID
        let token = kind == "refresh" ? try #require(tokens.refreshToken) : tokens.accessToken
        #expect(try await house.revoke(token, hint: hint) == grantID)
    }

    @Test("a request without a token is invalid_request; an unknown client is invalid_client")
    func malformed() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        await #expect(throws: OAuthError.invalidRequest("token is required")) {
            try await house.revocation.revoke(
                try house.form(["client_id": house.client.id]), authorization: nil, tenant: house.tenant, address: nil, now: Date())
        }
        await #expect(throws: ClientAuthenticator.Failure.self) {
            try await house.revocation.revoke(
                try house.form(["client_id": "gh_nobody", "token": "x"]), authorization: nil, tenant: house.tenant, address: nil, now: Date())
        }
    }
}
