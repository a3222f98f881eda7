import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// Service accounts through the real token endpoint (RFC 6749 §4.4; docs/tokens.md § Service accounts): the client
/// credentials grant for them and nobody else, their secret and its rotation, private_key_jwt, scopes narrowed to the
/// account's and never `mfa`, no refresh token, company binding, and revocation through the revocation log.
@Suite("Service accounts over HTTP")
struct ServiceAccountHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static func create(
        _ environment: AuthServerEnvironment, scopes: String = "tickets:read tickets:write mfa", company: String? = nil,
        credentials: ServiceAccounts.Credentials = .secret
    ) async throws -> ServiceAccounts.Made {
        try await environment.serviceAccounts.create(
            .init(name: "Nightly export", scopes: scopes.split(separator: " ").map(String.init), companyID: company, credentials: credentials),
            tenant: try await environment.tenant(), by: nil)
    }

    static func basic(_ id: String, _ secret: String) -> String { "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString() }

    static func token(
        _ client: any TestClientProtocol, basic: String?, extra: String = "", fields: [(String, String)] = []
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        var body = "grant_type=client_credentials&resource=\(FormEncoding.encode(HTTP.resource))" + extra
        if !fields.isEmpty { body += "&" + Browser.formEncode(fields) }
        let response = try await OAuthHTTPTests.form(client, "/oauth/token", body, headers: basic.map { [.authorization: $0] } ?? [:])
        return (response.status, (try? HTTP.json(response)) ?? [:])
    }

    static func claims(_ token: String) throws -> [String: Any] {
        let payload = try #require(Base64URL.decode(token.split(separator: ".")[1]))
        return try #require(JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    @Test("client credentials: a resource-bound token whose sub is the account, narrowed scopes, never mfa, no refresh token")
    func grant() async throws {
        try await HTTP.withApplication { environment, client in
            let made = try await Self.create(environment, scopes: "tickets:read tickets:write billing:read mfa unknown:scope")
            // A tenant-wide account acts as a technician: billing:read is not theirs, mfa is entered, never held.
            #expect(made.account.scopes == ["tickets:read", "tickets:write"])
            #expect(Set(made.dropped) == ["billing:read", "mfa", "unknown:scope"])
            let secret = try #require(made.issued.clientSecret)
            let (status, body) = try await Self.token(client, basic: Self.basic(made.account.id, secret), extra: "&scope=tickets%3Aread+mfa+notes%3Awrite")
            #expect(status == .ok)
            #expect(body["refresh_token"] == nil)
            #expect(body["scope"] as? String == "tickets:read")
            let claims = try Self.claims(try #require(body["access_token"] as? String))
            #expect(claims["sub"] as? String == made.account.id && made.account.id.hasPrefix("svc_"))
            #expect(claims["client_id"] as? String == made.account.id)
            #expect(claims["subject_type"] as? String == "service_account")
            #expect(claims["name"] as? String == "Nightly export")
            #expect(claims["role"] as? String == "technician" && claims["company"] == nil && claims["email"] == nil)
            #expect(claims["aud"] as? String == HTTP.resource)
            #expect(claims["sid"] as? String == made.account.grantID)

            // Without `scope`, everything the account holds; another resource is refused (RFC 8707 §2).
            let (_, all) = try await Self.token(client, basic: Self.basic(made.account.id, secret))
            #expect(all["scope"] as? String == "tickets:read tickets:write")
            let other = try await OAuthHTTPTests.form(
                client, "/oauth/token", "grant_type=client_credentials&resource=\(FormEncoding.encode("https://elsewhere.example/mcp"))",
                headers: [.authorization: Self.basic(made.account.id, secret)])
            #expect(try HTTP.json(other)["error"] as? String == "invalid_target")
        }
    }

    @Test("any other client gets unauthorized_client; a wrong secret or none gets invalid_client")
    func otherClients() async throws {
        try await HTTP.withApplication { environment, client in
            let (app, appBasic) = try await AppGovernanceHTTPTests.app(environment)
            _ = try await ClientDecisions(storage: environment.storage).approve(tenantID: Tenant.defaultID, clientID: app.id)
            let (status, body) = try await Self.token(client, basic: appBasic)
            #expect(status == .badRequest && body["error"] as? String == "unauthorized_client")

            let made = try await Self.create(environment)
            let (wrong, wrongBody) = try await Self.token(client, basic: Self.basic(made.account.id, ClientSecret.generate().value))
            #expect(wrong == .unauthorized && wrongBody["error"] as? String == "invalid_client")
            let (none, noneBody) = try await Self.token(client, basic: nil, fields: [("client_id", made.account.id)])
            #expect(none == .badRequest || none == .unauthorized)
            #expect(noneBody["error"] as? String == "invalid_client")
            // A service account cannot use the other grants either.
            let refresh = try await OAuthHTTPTests.form(
                client, "/oauth/token", "grant_type=refresh_token&refresh_token=x",
                headers: [.authorization: Self.basic(made.account.id, try #require(made.issued.clientSecret))])
            #expect(try HTTP.json(refresh)["error"] as? String == "unauthorized_client")
        }
    }

    @Test("a rotated secret: the new one works, the old one stops at once")
    func rotation() async throws {
        try await HTTP.withApplication { environment, client in
            let made = try await Self.create(environment)
            let old = try #require(made.issued.clientSecret)
            let rotated = try #require(try await environment.serviceAccounts.rotateSecret(id: made.account.id, tenantID: Tenant.defaultID, by: nil))
            let new = try #require(rotated.clientSecret)
            #expect(new != old && rotated.clientID == made.account.id)
            #expect(try await Self.token(client, basic: Self.basic(made.account.id, old)).0 == .unauthorized)
            #expect(try await Self.token(client, basic: Self.basic(made.account.id, new)).0 == .ok)
            // Only the hash is kept.
            let stored = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: made.account.id))
            #expect(stored.secretHashes == [ClientSecret.hash(new)])
            #expect(try await environment.serviceAccounts.rotateSecret(id: "svc_nope", tenantID: Tenant.defaultID, by: nil) == nil)
        }
    }

    @Test("a company-bound account acts as that company's users: role company, company claim, company scopes only")
    func companyBinding() async throws {
        try await HTTP.withApplication { environment, client in
            let made = try await Self.create(environment, scopes: "tickets:read billing:read notes:write", company: "cust-42")
            #expect(made.account.scopes == ["tickets:read", "billing:read"] && made.account.role == .company)
            let (_, body) = try await Self.token(client, basic: Self.basic(made.account.id, try #require(made.issued.clientSecret)))
            let claims = try Self.claims(try #require(body["access_token"] as? String))
            #expect(claims["role"] as? String == "company" && claims["company"] as? String == "cust-42")
            await #expect(throws: ServiceAccounts.Refusal.self) { _ = try await Self.create(environment, company: "not a company id!") }
            for name in [" ", String(repeating: "n", count: 101), "two\nlines"] {
                await #expect(throws: ServiceAccounts.Refusal.self) {
                    _ = try await environment.serviceAccounts.create(.init(name: name, scopes: []), tenant: try await environment.tenant(), by: nil)
                }
            }
        }
    }

    @Test("private_key_jwt: an assertion signed with the registered key gets a token; no secret is made")
    func privateKeyJWT() async throws {
        try await HTTP.withApplication { environment, client in
            let jwks = try JSONSerialization.data(withJSONObject: ["keys": [try AssertionFixture.jwk(rsa: AssertionFixture.rsa.publicKey, kid: "rsa-1")]])
            let made = try await Self.create(environment, credentials: .jwks(String(decoding: jwks, as: UTF8.self)))
            #expect(made.issued.clientSecret == nil)
            let id = made.account.id
            func assertion(jti: String) throws -> String {
                let now = Int64(Date().timeIntervalSince1970)
                return try AssertionFixture.rs256(
                    AssertionFixture.claims(["iss": id, "sub": id, "aud": HTTP.issuer + "/oauth/token", "iat": now, "exp": now + 60, "jti": jti]))
            }
            let fields = { (jti: String) in
                [("client_id", id), ("client_assertion_type", ClientAssertionVerifier.assertionType), ("client_assertion", try assertion(jti: jti))]
            }
            let (status, body) = try await Self.token(client, basic: nil, fields: try fields("one"))
            #expect(status == .ok && body["access_token"] != nil && body["refresh_token"] == nil)
            // The replay store applies: the same assertion again is refused.
            let (replayed, replayBody) = try await Self.token(client, basic: nil, fields: try fields("one"))
            #expect(replayed != .ok && replayBody["error"] as? String == "invalid_client")
            await #expect(throws: ServiceAccounts.Refusal.self) { _ = try await Self.create(environment, credentials: .jwks("{\"keys\":[]}")) }
            await #expect(throws: ServiceAccounts.Refusal.self) { _ = try await Self.create(environment, credentials: .jwksURI("http://keys.example/jwks")) }
        }
    }

    @Test("revocation ends the grant through the revocation log, and the account gets no more tokens")
    func revocation() async throws {
        try await HTTP.withApplication { environment, client in
            let made = try await Self.create(environment)
            let basic = Self.basic(made.account.id, try #require(made.issued.clientSecret))
            #expect(try await Self.token(client, basic: basic).0 == .ok)
            let before = try await environment.storage.latestRevocationSeq(tenantID: Tenant.defaultID)
            #expect(try await environment.serviceAccounts.revoke(id: made.account.id, tenantID: Tenant.defaultID, by: nil) != nil)
            let events = try await environment.storage.revocationEvents(tenantID: Tenant.defaultID, after: before, limit: 10)
            #expect(events.map(\.kind) == [.grant] && events.map(\.subject) == [made.account.grantID])
            #expect(try await Self.token(client, basic: basic).0 != .ok)
            #expect(try await environment.serviceAccounts.revoke(id: made.account.id, tenantID: Tenant.defaultID, by: nil) == nil)
            let listed = try await environment.serviceAccounts.list(tenantID: Tenant.defaultID)
            #expect(listed.count == 1 && listed[0].revokedAt != nil)
            #expect(try await environment.storage.grant(tenantID: Tenant.defaultID, id: made.account.grantID)?.isActive == false)
        }
    }

    @Test("the account is a grant: connected apps list it for admins, and revoking it there ends the account's tokens")
    func connectedApps() async throws {
        try await HTTP.withApplication { environment, client in
            let admin = try await environment.addPerson(email: "boss@example.com", role: .admin)
            let made = try await Self.create(environment)
            let apps = ConnectedApps(storage: environment.storage, logger: .init(label: "test"))
            let listed = try await apps.list(for: admin, now: Date())
            #expect(listed.contains { $0.grantID == made.account.grantID && $0.clientName == "Nightly export" })
            #expect(try await apps.revoke(grantID: made.account.grantID, by: admin, now: Date()) == "Nightly export")
            let (status, body) = try await Self.token(client, basic: Self.basic(made.account.id, try #require(made.issued.clientSecret)))
            #expect(status == .badRequest && body["error"] as? String == "invalid_grant")
            #expect(try await environment.serviceAccounts.list(tenantID: Tenant.defaultID).first?.isActive == false)
        }
    }

    @Test("the ledger records creation, each token, rotation and revocation with the grant id; never the secret")
    func ledger() async throws {
        try await HTTP.withApplication { environment, client in
            let made = try await Self.create(environment)
            let secret = try #require(made.issued.clientSecret)
            _ = try await Self.token(client, basic: Self.basic(made.account.id, secret))
            let rotated = try #require(try await environment.serviceAccounts.rotateSecret(id: made.account.id, tenantID: Tenant.defaultID, by: nil))
            _ = try await environment.serviceAccounts.revoke(id: made.account.id, tenantID: Tenant.defaultID, by: nil)
            let entries = try await environment.storage.ledgerEntries(
                tenantID: Tenant.defaultID, matching: LedgerFilter(grantID: made.account.grantID), limit: 50)
            #expect(entries.reversed().map(\.event) == [
                "service_account.created", "service_account.token", "service_account.secret_rotated", "grant.revoked", "service_account.revoked",
            ])
            let text = entries.map(\.jsonLine).joined()
            let rotatedSecret = try #require(rotated.clientSecret)
            #expect(!text.contains(secret) && !text.contains(rotatedSecret))
        }
    }
}
