import Foundation
import Logging
import Testing

@testable import AuthServerCore
import Shared

extension OAuthHouse {
    var codeGrant: AuthorizationCodeGrant { AuthorizationCodeGrant(storage: environment.storage, minter: minter, logger: Logger(label: "test")) }

    func refreshGrant(grace: Int = 90) -> RefreshTokenGrant {
        RefreshTokenGrant(storage: environment.storage, minter: minter, graceSeconds: grace, logger: Logger(label: "test"))
    }

    func form(_ parameters: [String: String]) throws -> FormParameters {
        try FormParameters(encoded: Substring(parameters.map { "\($0.key)=\(FormEncoding.encode($0.value))" }.joined(separator: "&")))
    }

    func codeForm(_ code: String, overrides: [String: String?] = [:]) throws -> FormParameters {
        var parameters: [String: String?] = [
            "grant_type": "authorization_code", "code": code, "code_verifier": Self.verifier,
            "redirect_uri": Self.redirect.replacingOccurrences(of: "127.0.0.1", with: "127.0.0.1:50123"), "resource": tenant.resource,
        ]
        for (key, value) in overrides { parameters[key] = value }
        return try form(parameters.compactMapValues { $0 })
    }

    func exchangeNewCode(_ overrides: [String: String?] = [:]) async throws -> TokenResponse {
        let code = try #require(try await authorizeAndAllow(overrides).parameter("code"))
        return try await codeGrant.exchange(try codeForm(code), client: client, tenant: tenant, now: Date())
    }

    func claims(of response: TokenResponse) async throws -> AccessTokenClaims {
        let parsed = try AccessTokenVerifier.parse(response.accessToken)
        let key = try #require(try await environment.keyRing.publishedKeys(tenantID: tenant.id).keys.first { $0.kid == parsed.keyID }?.publicKey)
        return try AccessTokenVerifier(issuer: tenant.issuer, audience: tenant.resource, tenantID: tenant.id).verify(parsed, key: key)
    }
}

@Suite("Authorization code grant (RFC 6749 §4.1.3, RFC 7636 §4.6)")
struct AuthorizationCodeGrantTests {
    @Test("a code buys an access token bound to the resource with sid = the grant, and a refresh token (RFC 9068)")
    func exchange() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let response = try await house.exchangeNewCode(["scope": "tickets:read"])
        #expect(response.tokenType == "Bearer")
        #expect(response.expiresIn == AuthPolicy.accessTokenMaxLifetime)
        #expect(response.refreshToken?.hasPrefix("gatehouse_rt_") == true)
        #expect(response.scope == "tickets:read")
        let claims = try await house.claims(of: response)
        #expect(claims.audience == house.tenant.resource)
        #expect(claims.clientID == house.client.id)
        #expect(claims.subject == house.user.id)
        let grants = try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id)
        #expect(claims.grantID == grants.first?.id)
    }

    @Test(
        "wrong verifier, redirect URI or resource are refused before the code is spent, so the rightful exchange still works",
        arguments: [
            (["code_verifier": String(repeating: "a", count: 43)], "invalid_grant"), (["code_verifier": nil], "invalid_request"),
            (["redirect_uri": "http://127.0.0.1:50123/other"], "invalid_grant"), (["redirect_uri": nil], "invalid_grant"),
            (["resource": "https://other.example.com/mcp"], "invalid_target"),
        ] as [([String: String?], String)]
    )
    func checkedBeforeSpending(overrides: [String: String?], error: String) async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let code = try #require(try await house.authorizeAndAllow().parameter("code"))
        await #expect(throws: OAuthError.self) {
            do {
                _ = try await house.codeGrant.exchange(try house.codeForm(code, overrides: overrides), client: house.client, tenant: house.tenant, now: Date())
            } catch let refused as OAuthError {
                #expect(refused.code == error)
                throw refused
            }
        }
        _ = try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: Date())
    }

    @Test("redirect_uri may be left out of the token request only when the code went to the client's sole registered URI (RFC 6749 §4.1.3)")
    func redirectOmitted() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        // The authorization request named no redirect_uri: the sole registered one was used, and need not be repeated.
        let code = try #require(try await house.authorizeAndAllow(["redirect_uri": nil]).parameter("code"))
        await #expect(throws: OAuthError.invalidGrant("redirect_uri does not match the authorization request")) {
            try await house.codeGrant.exchange(
                try house.codeForm(code, overrides: ["redirect_uri": "http://127.0.0.1:50123/callback"]), client: house.client, tenant: house.tenant,
                now: Date())
        }
        _ = try await house.codeGrant.exchange(try house.codeForm(code, overrides: ["redirect_uri": nil]), client: house.client, tenant: house.tenant, now: Date())
        // A loopback request on its own port is not the registered URI: it must be repeated.
        let ported = try #require(try await house.authorizeAndAllow().parameter("code"))
        await #expect(throws: OAuthError.self) {
            try await house.codeGrant.exchange(try house.codeForm(ported, overrides: ["redirect_uri": nil]), client: house.client, tenant: house.tenant, now: Date())
        }
    }

    @Test("a missing resource on the token request is the grant's resource (RFC 8707 §2.2)")
    func resourceDefault() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let code = try #require(try await house.authorizeAndAllow(["resource": nil]).parameter("code"))
        let response = try await house.codeGrant.exchange(try house.codeForm(code, overrides: ["resource": nil]), client: house.client, tenant: house.tenant, now: Date())
        #expect(try await house.claims(of: response).audience == house.tenant.resource)
    }

    @Test("a code used twice ends the grant: the first exchange's refresh token dies too")
    func replay() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let code = try #require(try await house.authorizeAndAllow().parameter("code"))
        let first = try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: Date())
        await #expect(throws: OAuthError.invalidGrant("The authorization code has already been used")) {
            try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: Date())
        }
        let refresh = try house.form(["grant_type": "refresh_token", "refresh_token": try #require(first.refreshToken)])
        await #expect(throws: OAuthError.self) { try await house.refreshGrant().exchange(refresh, client: house.client, tenant: house.tenant, now: Date()) }
    }

    @Test("codes expire after a minute, and belong to their client")
    func expiryAndClient() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let code = try #require(try await house.authorizeAndAllow().parameter("code"))
        await #expect(throws: OAuthError.invalidGrant("The authorization code has expired")) {
            try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: Date().addingTimeInterval(61))
        }
        var other = house.client
        other.id = "gh_other"
        await #expect(throws: OAuthError.invalidGrant("The authorization code is not valid")) {
            try await house.codeGrant.exchange(try house.codeForm(code), client: other, tenant: house.tenant, now: Date())
        }
    }

    @Test("a client that did not register refresh_token gets no refresh token")
    func noRefreshGrantType() async throws {
        let house = try await OAuthHouse.make(grantTypes: ["authorization_code"])
        defer { house.remove() }
        #expect(try await house.exchangeNewCode().refreshToken == nil)
    }
}

@Suite("Refresh token grant (RFC 6749 §6, OAuth 2.1 §4.3.1)")
struct RefreshTokenGrantTests {
    func refresh(_ house: OAuthHouse, _ token: String, grace: Int = 90, at now: Date = Date(), extra: [String: String] = [:]) async throws -> TokenResponse {
        let form = try house.form(["grant_type": "refresh_token", "refresh_token": token].merging(extra) { $1 })
        return try await house.refreshGrant(grace: grace).exchange(form, client: house.client, tenant: house.tenant, now: now)
    }

    @Test("every refresh rotates; the grant's resource and scopes carry over")
    func rotation() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let first = try await house.exchangeNewCode()
        let second = try await refresh(house, try #require(first.refreshToken))
        #expect(second.refreshToken != first.refreshToken)
        #expect(second.scope == first.scope)
        let claims = try await house.claims(of: second)
        #expect(claims.audience == house.tenant.resource)
        #expect(claims.grantID == (try await house.claims(of: first)).grantID)
        _ = try await refresh(house, try #require(second.refreshToken))
    }

    @Test("parallel refreshes within the grace window all get the same new pair")
    func parallel() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        let answers = try await withThrowingTaskGroup(of: TokenResponse.self) { group in
            for _ in 0..<8 { group.addTask { try await self.refresh(house, token) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(answers.map(\.refreshToken)).count == 1)
        #expect(Set(answers.map(\.accessToken)).count == 1)
        // Later, but still within the window: the same pair again.
        let late = try await refresh(house, token, at: Date().addingTimeInterval(80))
        #expect(late.refreshToken == answers[0].refreshToken)
        #expect(try await house.environment.storage.liveRefreshTokenCount(tenantID: house.tenant.id, grantID: try await house.claims(of: late).grantID, at: Date()) == 1)
    }

    @Test("reuse after the window ends the whole grant; its newest refresh token dies with it")
    func reuseAfterWindow() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        let next = try await refresh(house, token)
        await #expect(throws: OAuthError.invalidGrant("The refresh token has already been used")) {
            try await self.refresh(house, token, at: Date().addingTimeInterval(91))
        }
        await #expect(throws: OAuthError.self) { try await self.refresh(house, try #require(next.refreshToken)) }
        #expect(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).isEmpty)
    }

    @Test("GATEHOUSE_REFRESH_GRACE_SECONDS=0 makes any second use a replay")
    func noGrace() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        let now = Date()
        _ = try await refresh(house, token, grace: 0, at: now)
        await #expect(throws: OAuthError.self) { try await self.refresh(house, token, grace: 0, at: now.addingTimeInterval(1)) }
    }

    @Test("scope may narrow the access token but never widen it; the refresh token keeps the grant's scopes")
    func narrowing() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let first = try await house.exchangeNewCode(["scope": "tickets:read alerts:read offline_access"])
        let narrowed = try await refresh(house, try #require(first.refreshToken), extra: ["scope": "tickets:read"])
        #expect(narrowed.scope == "tickets:read")
        let full = try await refresh(house, try #require(narrowed.refreshToken))
        #expect(Set(full.scope.split(separator: " ")) == ["tickets:read", "alerts:read", "offline_access"])
        await #expect(throws: OAuthError.self) { try await self.refresh(house, try #require(full.refreshToken), extra: ["scope": "rules:run"]) }
    }

    @Test("unknown, expired, another client's or another resource's refresh tokens are invalid_grant / invalid_target")
    func dead() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        await #expect(throws: OAuthError.invalidGrant("The refresh token is not valid")) { try await self.refresh(house, "gatehouse_rt_nope") }
        await #expect(throws: OAuthError.invalidGrant("The refresh token has expired")) {
            try await self.refresh(house, token, at: Date().addingTimeInterval(AuthPolicy.refreshTokenLifetime + 1))
        }
        await #expect(throws: OAuthError.self) { try await self.refresh(house, token, extra: ["resource": "https://elsewhere.example.com/mcp"]) }
        var other = house.client
        other.id = "gh_other"
        let form = try house.form(["grant_type": "refresh_token", "refresh_token": token])
        await #expect(throws: OAuthError.invalidGrant("The refresh token is not valid")) {
            try await house.refreshGrant().exchange(form, client: other, tenant: house.tenant, now: Date())
        }
        _ = try await refresh(house, token)
    }

    @Test("a client that only refreshes counts as used, so reaping unused clients leaves it alone")
    func refreshKeepsClient() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let start = Date()
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        _ = try await refresh(house, token, at: start.addingTimeInterval(20 * 24 * 3600))
        let reaped = try await house.environment.storage.reapDynamicClients(
            unusedSince: start.addingTimeInterval(40 * 24 * 3600 - AuthPolicy.unusedClientLifetime))
        #expect(reaped == 0)
        #expect(try await house.environment.storage.client(tenantID: house.tenant.id, id: house.client.id) != nil)
    }

    @Test("a grant for a resource the tenant no longer serves is invalid_grant, not a crash")
    func resourceChanged() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let token = try #require(try await house.exchangeNewCode().refreshToken)
        let moved = Tenant(id: house.tenant.id, issuer: house.tenant.issuer, resource: house.tenant.issuer + "/mcp/v2")
        let form = try house.form(["grant_type": "refresh_token", "refresh_token": token])
        await #expect(throws: OAuthError.invalidGrant("The authorization was for another resource; connect again")) {
            try await house.refreshGrant().exchange(form, client: house.client, tenant: moved, now: Date())
        }
    }
}
