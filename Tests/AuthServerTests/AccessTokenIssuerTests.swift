import Crypto
import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// Minting RFC 9068 §2 access tokens bound to the tenant's resource.
@Suite("AccessTokenIssuer")
struct AccessTokenIssuerTests {
    static let acme = Tenant(id: "acme", issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")
    static let globex = Tenant(id: "globex", issuer: "https://globex.example.com", resource: "https://globex.example.com/mcp")

    struct Setup {
        let ring: SigningKeyRing
        let issuer: AccessTokenIssuer
        let user: User
    }

    static func withIssuer(_ body: (Setup) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let ring = SigningKeyRing(store: storage, keyEncryptionKey: KeyEncryptionKey(key: SymmetricKey(size: .bits256)))
        for tenant in [acme, globex] {
            try await storage.saveTenant(tenant)
            try await ring.ensureActiveKey(tenantID: tenant.id)
        }
        let user = User(
            tenantID: acme.id, id: "usr_alice", email: "alice@example.com", passwordHash: "unused", role: .company, companyID: "cust-42",
            createdAt: Date())
        try await body(Setup(ring: ring, issuer: AccessTokenIssuer(keyRing: ring), user: user))
    }

    static func key(_ ring: SigningKeyRing, tenant: Tenant, kid: String) async throws -> P256.Signing.PublicKey {
        try #require(try await ring.publishedKeys(tenantID: tenant.id).keys.first { $0.kid == kid }?.publicKey)
    }

    @Test("RFC 9068: an issued token verifies against the tenant's issuer, resource and id with its published key")
    func issuedTokenVerifies() async throws {
        try await Self.withIssuer { setup in
            let now = wholeSecond()
            let issued = try await setup.issuer.issue(
                for: setup.user, tenant: Self.acme, clientID: "client-1", scope: ["records:read", "records:write"], lifetime: 900,
                grantID: "grant-1", now: now)
            let parsed = try AccessTokenVerifier.parse(issued.token)
            let key = try await Self.key(setup.ring, tenant: Self.acme, kid: parsed.keyID)
            let verifier = AccessTokenVerifier(issuer: Self.acme.issuer, audience: Self.acme.resource, tenantID: Self.acme.id)
            let claims = try verifier.verify(parsed, key: key, now: now)
            #expect(claims == issued.claims)
            #expect(parsed.keyID == (try await setup.ring.activeSigner(tenantID: Self.acme.id)).keyID)
        }
    }

    @Test("RFC 9068 §2.2: claims carry iss, aud = resource, sub, client_id, scope, jti, sid, tid, role, company and exp - iat == lifetime")
    func claimsAreComplete() async throws {
        try await Self.withIssuer { setup in
            let now = wholeSecond()
            let lifetime: Int64 = 1234
            let claims = try await setup.issuer.issue(
                for: setup.user, tenant: Self.acme, clientID: "client-1", scope: ["records:read", "offline_access"], lifetime: lifetime,
                grantID: "grant-7", now: now
            ).claims
            #expect(claims.issuer == "https://acme.example.com")
            #expect(claims.audience == "https://acme.example.com/mcp")
            #expect(claims.subject == "usr_alice")
            #expect(claims.clientID == "client-1")
            #expect(claims.scope == "records:read offline_access")
            #expect(claims.grantID == "grant-7")
            #expect(claims.tenantID == "acme")
            #expect(claims.role == "company")
            #expect(claims.company == "cust-42")
            #expect(claims.issuedAt == Int64(now.timeIntervalSince1970))
            #expect(claims.notBefore == claims.issuedAt)
            #expect(claims.expiresAt - claims.issuedAt == lifetime)
            #expect(!claims.tokenID.isEmpty)
        }
    }

    @Test("the JSON payload uses the RFC 9068 claim names")
    func payloadUsesRegisteredNames() async throws {
        try await Self.withIssuer { setup in
            let issued = try await setup.issuer.issue(
                for: setup.user, tenant: Self.acme, clientID: "client-1", scope: ["records:read"], lifetime: 60, grantID: "grant-1")
            let payloadPart = issued.token.split(separator: ".")[1]
            let payloadJSON = try #require(Base64URL.decode(payloadPart))
            let payload = try #require(JSONSerialization.jsonObject(with: payloadJSON) as? [String: Any])
            for name in ["iss", "sub", "aud", "client_id", "scope", "iat", "exp", "jti", "sid", "tid", "role", "company"] {
                #expect(payload[name] != nil, "missing \(name)")
            }
            #expect(payload["aud"] as? String == Self.acme.resource)
        }
    }

    @Test("each token gets its own jti")
    func tokenIDsAreUnique() async throws {
        try await Self.withIssuer { setup in
            var tokenIDs = Set<String>()
            for _ in 0..<5 {
                let issued = try await setup.issuer.issue(
                    for: setup.user, tenant: Self.acme, clientID: "c", scope: [], lifetime: 60, grantID: "g")
                tokenIDs.insert(issued.claims.tokenID)
            }
            #expect(tokenIDs.count == 5)
        }
    }

    @Test("a token of one tenant is refused by another tenant's verifier and key")
    func tokenIsBoundToItsTenant() async throws {
        try await Self.withIssuer { setup in
            let issued = try await setup.issuer.issue(
                for: setup.user, tenant: Self.acme, clientID: "c", scope: [], lifetime: 60, grantID: "g")
            let parsed = try AccessTokenVerifier.parse(issued.token)
            let acmeKey = try await Self.key(setup.ring, tenant: Self.acme, kid: parsed.keyID)
            #expect(try await setup.ring.publishedKeys(tenantID: Self.globex.id).keys.allSatisfy { $0.kid != parsed.keyID })

            let globexVerifier = AccessTokenVerifier(issuer: Self.globex.issuer, audience: Self.globex.resource, tenantID: Self.globex.id)
            #expect(throws: TokenVerificationError.wrongIssuer) { try globexVerifier.verify(parsed, key: acmeKey) }
            let sameURLsOtherTenant = AccessTokenVerifier(issuer: Self.acme.issuer, audience: Self.acme.resource, tenantID: Self.globex.id)
            #expect(throws: TokenVerificationError.wrongTenant) { try sameURLsOtherTenant.verify(parsed, key: acmeKey) }
        }
    }
}
