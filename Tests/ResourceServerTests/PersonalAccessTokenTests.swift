import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Synchronization
import Testing
import ToolKit

@testable import ResourceServerCore

/// The resource-server's side of personal access tokens: recognised by format and checksum, introspected at the
/// auth-server (here an introspector the test answers for), cached for at most a minute, and then treated as an
/// access token of the same person with the same scopes.
@Suite("Personal access tokens at the resource-server")
struct PersonalAccessTokenTests {
    /// An introspector that answers what the test says, counting the questions and the addresses they carried.
    final class FakeAuthServer: Sendable {
        let answer = Mutex<Result<IntrospectionAnswer, AuthServerConnection.StatusError>>(.success(.inactive))
        let questions = Mutex<[String?]>([])
        var introspector: TokenIntrospector {
            TokenIntrospector { _, address in
                self.questions.withLock { $0.append(address) }
                return try self.answer.withLock { try $0.get() }
            }
        }
        var count: Int { questions.withLock { $0.count } }
    }

    static func claims(
        tenant: String = Tenant.defaultID, scope: String = "tickets:read", role: String = "technician", company: String? = nil, grant: String = "grant-pat"
    ) -> AccessTokenClaims {
        let now = Int64(Date().timeIntervalSince1970)
        return AccessTokenClaims(
            issuer: TestHouse.issuer, subject: "usr_1", audience: TestHouse.resource, clientID: "gatehouse-personal-access-tokens", scope: scope,
            issuedAt: now - 86_400, expiresAt: now + 86_400 * 30, tokenID: "pat_abc", grantID: grant, tenantID: tenant, role: role, company: company)
    }

    static func authenticator(_ fake: FakeAuthServer, denied: RevocationDenySet = RevocationDenySet()) -> BearerAuthenticator {
        BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID),
            keys: RemoteKeySet(logger: Logger(label: "test")) { [:] }, introspector: fake.introspector, denied: denied)
    }

    @Test("An active answer makes a caller of kind pat, asked once per minute; the caller's address goes along")
    func cachedForAMinute() async throws {
        let fake = FakeAuthServer()
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: Self.claims())) }
        let authenticator = Self.authenticator(fake)
        let token = Substring(PersonalAccessToken.generate().value)
        let now = Date()
        let caller = try await authenticator.authenticate(token, callerAddress: "203.0.113.7", now: now)
        #expect(caller.tokenKind == .personalAccessToken && caller.holds(["tickets:read"]))
        _ = try await authenticator.authenticate(token, callerAddress: "203.0.113.7", now: now.addingTimeInterval(59))
        #expect(fake.count == 1)
        _ = try await authenticator.authenticate(token, callerAddress: "203.0.113.8", now: now.addingTimeInterval(61))
        #expect(fake.questions.withLock { $0 } == ["203.0.113.7", "203.0.113.8"])
    }

    @Test("Inactive, foreign-tenant and wrong-kind answers are 401; a bad checksum is refused without asking")
    func refused() async throws {
        let fake = FakeAuthServer()
        let authenticator = Self.authenticator(fake)
        await #expect(throws: BearerAuthenticationError.token(.inactiveToken)) {
            try await authenticator.authenticate(Substring(PersonalAccessToken.generate().value))
        }
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: Self.claims(tenant: "other"))) }
        await #expect(throws: BearerAuthenticationError.token(.wrongTenant)) {
            try await authenticator.authenticate(Substring(PersonalAccessToken.generate().value))
        }
        fake.answer.withLock { $0 = .success(.active(.refreshToken, claims: Self.claims())) }
        await #expect(throws: BearerAuthenticationError.token(.inactiveToken)) {
            try await authenticator.authenticate(Substring(PersonalAccessToken.generate().value))
        }
        let asked = fake.count
        var typo = Array(PersonalAccessToken.generate().value)
        typo[20] = typo[20] == "a" ? "b" : "a"
        await #expect(throws: BearerAuthenticationError.token(.malformed)) { try await authenticator.authenticate(Substring(String(typo))) }
        #expect(fake.count == asked)
    }

    @Test("With the auth-server down, a cached PAT works until its entry ends, then 503 with Retry-After, never invalid_token")
    func authServerDown() async throws {
        let fake = FakeAuthServer()
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: Self.claims())) }
        let authenticator = Self.authenticator(fake)
        let token = Substring(PersonalAccessToken.generate().value)
        let now = Date()
        _ = try await authenticator.authenticate(token, now: now)
        fake.answer.withLock { $0 = .failure(.init(status: 502)) }
        _ = try await authenticator.authenticate(token, now: now.addingTimeInterval(30))
        await #expect(throws: BearerAuthenticationError.authorizationServerUnavailable) {
            try await authenticator.authenticate(token, now: now.addingTimeInterval(61))
        }

        let house = try await TestHouse()
        try await house.test(introspector: fake.introspector) { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: PersonalAccessToken.generate().value)
            #expect(response.status == .serviceUnavailable && response.headers[.retryAfter] == "5")
            #expect(response.headers[.wwwAuthenticate] == nil)
        }
    }

    @Test("A revoked grant's PAT is refused even while its answer is cached")
    func revokedWhileCached() async throws {
        let fake = FakeAuthServer()
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: Self.claims())) }
        let denied = RevocationDenySet()
        let authenticator = Self.authenticator(fake, denied: denied)
        let token = Substring(PersonalAccessToken.generate().value)
        _ = try await authenticator.authenticate(token)
        denied.insert(RevocationEvent(seq: 1, kind: .grant, subject: "grant-pat", at: Int64(Date().timeIntervalSince1970)))
        await #expect(throws: BearerAuthenticationError.token(.revoked)) { try await authenticator.authenticate(token) }
    }

    @Test("A changed event drops the cached answer; an ended elevation strips mfa only from codes entered before it")
    func changedAndElevation() async throws {
        let fake = FakeAuthServer()
        let now = Int64(Date().timeIntervalSince1970)
        var claims = Self.claims(scope: "tickets:write mfa")
        claims.authTime = now - 100
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: claims)) }
        let denied = RevocationDenySet()
        let cache = VerifiedTokenCache()
        let authenticator = BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID),
            keys: RemoteKeySet(logger: Logger(label: "test")) { [:] }, introspector: fake.introspector, cache: cache, denied: denied)
        let token = Substring(PersonalAccessToken.generate().value)
        #expect(try await authenticator.authenticate(token).holds(["mfa"]))

        // Two-step sign-in turned off after that code: the token works on without elevation.
        let ended = RevocationEvent(seq: 1, kind: .elevation, subject: "usr_1", at: now - 50)
        denied.insert(ended)
        cache.remove(affectedBy: ended)
        let stripped = try await authenticator.authenticate(token)
        #expect(!stripped.holds(["mfa"]) && stripped.holds(["tickets:write"]) && stripped.claims.authTime == nil)

        // Elevated again on its row with a new code: the changed event drops the cached answer at once.
        claims.authTime = now
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: claims)) }
        let changed = RevocationEvent(seq: 2, kind: .changed, subject: "grant-pat", at: now)
        denied.insert(changed)
        cache.remove(affectedBy: changed)
        let asked = fake.count
        #expect(try await authenticator.authenticate(token).holds(["mfa"]), "a code entered after the event counts")
        #expect(fake.count == asked + 1)
        #expect(denied.verdict(on: claims) == .allowed, "a changed event denies nothing")
    }

    @Test("Over HTTP a PAT caller is served like an access-token caller")
    func servedLikeAnAccessToken() async throws {
        let fake = FakeAuthServer()
        fake.answer.withLock { $0 = .success(.active(.personalAccessToken, claims: Self.claims(scope: "tickets:read"))) }
        let house = try await TestHouse()
        let pat = PersonalAccessToken.generate().value
        try await house.test(introspector: fake.introspector) { client in
            let call = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"#, token: pat)
            #expect(call.status == .ok)
            let body = String(buffer: call.body)
            #expect(body.contains("usr_1"), "\(body)")
        }
    }
}
