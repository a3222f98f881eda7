import Crypto
import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// A tenant's ES256 keys: one active signer, retired keys published until their tokens have expired.
@Suite("SigningKeyRing")
struct SigningKeyRingTests {
    static let tenant = Tenant(id: "acme", issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")

    static func withRing(_ body: (SigningKeyRing, SQLiteAuthStorage) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        try await storage.saveTenant(tenant)
        try await body(SigningKeyRing(store: storage, keyEncryptionKey: KeyEncryptionKey(key: SymmetricKey(size: .bits256))), storage)
    }

    @Test("ensureActiveKey makes one key, once")
    func ensureActiveKeyIsIdempotent() async throws {
        try await Self.withRing { ring, storage in
            try await ring.ensureActiveKey(tenantID: Self.tenant.id)
            let first = try await storage.signingKeys(tenantID: Self.tenant.id)
            #expect(first.count == 1)
            #expect(first.allSatisfy { $0.isActive(at: Date()) })

            try await ring.ensureActiveKey(tenantID: Self.tenant.id)
            try await ring.ensureActiveKey(tenantID: Self.tenant.id)
            #expect(try await storage.signingKeys(tenantID: Self.tenant.id) == first)
        }
    }

    @Test("activeSigner without any key is an error naming the tenant")
    func noActiveKey() async throws {
        try await Self.withRing { ring, _ in
            let error = await #expect(throws: SigningKeyRingError.self) { try await ring.activeSigner(tenantID: Self.tenant.id) }
            #expect(error?.description.contains("acme") == true)
        }
    }

    @Test("rotate publishes a new key at once; the old one retires after the activation delay and stays published for its tokens")
    func rotateRetiresAndKeepsPublishing() async throws {
        try await Self.withRing { ring, storage in
            try await ring.ensureActiveKey(tenantID: Self.tenant.id)
            let oldKeyID = try #require(try await storage.signingKeys(tenantID: Self.tenant.id).first?.keyID)
            let now = wholeSecond().addingTimeInterval(1)

            let newKeyID = try await ring.rotate(tenantID: Self.tenant.id, now: now)
            #expect(newKeyID != oldKeyID)

            let keys = try await storage.signingKeys(tenantID: Self.tenant.id)
            #expect(keys.count == 2)
            let switchover = now.addingTimeInterval(AuthPolicy.signingKeyActivationDelay)
            #expect(keys.filter { $0.isActive(at: switchover) }.map(\.keyID) == [newKeyID])
            let old = try #require(keys.first { $0.keyID == oldKeyID })
            #expect(old.retiredAt == switchover)
            #expect(AuthPolicy.retiredKeyPublication == AuthPolicy.accessTokenMaxLifetime + AccessTokenVerifier.leewaySeconds)
            let deadline = switchover.addingTimeInterval(TimeInterval(AuthPolicy.retiredKeyPublication))
            #expect(old.publishUntil == deadline)

            let publishedNow = try await ring.publishedKeys(tenantID: Self.tenant.id, now: now).keys.map(\.kid)
            #expect(Set(publishedNow) == [oldKeyID, newKeyID])
            let publishedJustBefore = try await ring.publishedKeys(tenantID: Self.tenant.id, now: deadline.addingTimeInterval(-1))
            #expect(publishedJustBefore.keys.count == 2)
            let publishedAfter = try await ring.publishedKeys(tenantID: Self.tenant.id, now: deadline.addingTimeInterval(1))
            #expect(publishedAfter.keys.map(\.kid) == [newKeyID])
        }
    }

    @Test("after rotation the old key signs until the new one has been published a minute, then the new kid signs and verifies with the published JWK")
    func activeSignerUsesNewKey() async throws {
        try await Self.withRing { ring, _ in
            try await ring.ensureActiveKey(tenantID: Self.tenant.id)
            let before = try await ring.activeSigner(tenantID: Self.tenant.id)
            let rotatedAt = wholeSecond().addingTimeInterval(1)
            let newKeyID = try await ring.rotate(tenantID: Self.tenant.id, now: rotatedAt)
            #expect(try await ring.activeSigner(tenantID: Self.tenant.id, now: rotatedAt).keyID == before.keyID)
            let almost = rotatedAt.addingTimeInterval(AuthPolicy.signingKeyActivationDelay - 1)
            #expect(try await ring.activeSigner(tenantID: Self.tenant.id, now: almost).keyID == before.keyID)
            #expect(try await ring.publishedKeys(tenantID: Self.tenant.id, now: rotatedAt).keys.contains { $0.kid == newKeyID })
            let signer = try await ring.activeSigner(tenantID: Self.tenant.id, now: rotatedAt.addingTimeInterval(AuthPolicy.signingKeyActivationDelay))
            #expect(signer.keyID == newKeyID)
            #expect(signer.keyID != before.keyID)

            let now = Int64(Date().timeIntervalSince1970)
            let claims = AccessTokenClaims(
                issuer: Self.tenant.issuer, subject: "usr_1", audience: Self.tenant.resource, clientID: "client", scope: "",
                issuedAt: now, expiresAt: now + 60, tokenID: "jti", grantID: "grant", tenantID: Self.tenant.id)
            let token = try signer.sign(claims)
            let parsed = try AccessTokenVerifier.parse(token)
            #expect(parsed.keyID == newKeyID)

            let jwks = try await ring.publishedKeys(tenantID: Self.tenant.id)
            let key = try #require(jwks.keys.first { $0.kid == parsed.keyID }?.publicKey)
            let verifier = AccessTokenVerifier(issuer: Self.tenant.issuer, audience: Self.tenant.resource, tenantID: Self.tenant.id)
            #expect(try verifier.verify(parsed, key: key) == claims)
            // The retired key, still published, does not verify the new key's token.
            let oldKey = try #require(jwks.keys.first { $0.kid == before.keyID }?.publicKey)
            #expect(throws: TokenVerificationError.badSignature) { try verifier.verify(parsed, key: oldKey) }
        }
    }

    @Test("the stored private key is sealed: the raw key bytes do not appear, and the seal is bound to tenant and kid")
    func privateKeyIsSealedAtRest() async throws {
        let kek = KeyEncryptionKey(key: SymmetricKey(size: .bits256))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        try await storage.saveTenant(Self.tenant)
        let ring = SigningKeyRing(store: storage, keyEncryptionKey: kek)
        try await ring.ensureActiveKey(tenantID: Self.tenant.id)

        let stored = try #require(try await storage.signingKeys(tenantID: Self.tenant.id).first)
        let raw = try kek.open(stored.sealedPrivateKey, context: SigningKeyRing.sealContext(Self.tenant.id, stored.keyID))
        let privateKey = try P256.Signing.PrivateKey(rawRepresentation: raw)
        #expect(privateKey.publicKey.x963Representation == stored.publicKey.publicKey?.x963Representation, "the sealed key is the published key's")
        #expect(raw.count == 32)
        #expect(stored.sealedPrivateKey.range(of: raw) == nil)
        #expect(stored.sealedPrivateKey.range(of: raw.prefix(16)) == nil)
        #expect(stored.sealedPrivateKey.range(of: privateKey.derRepresentation) == nil)
        #expect(throws: (any Error).self) {
            try kek.open(stored.sealedPrivateKey, context: SigningKeyRing.sealContext("globex", stored.keyID))
        }
        #expect(throws: (any Error).self) {
            try kek.open(stored.sealedPrivateKey, context: SigningKeyRing.sealContext(Self.tenant.id, "another-kid"))
        }
    }

    @Test("a ring with another key-encryption key cannot sign with the stored keys")
    func otherKEKCannotSign() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        try await storage.saveTenant(Self.tenant)
        try await SigningKeyRing(store: storage, keyEncryptionKey: KeyEncryptionKey(key: SymmetricKey(size: .bits256)))
            .ensureActiveKey(tenantID: Self.tenant.id)
        let stranger = SigningKeyRing(store: storage, keyEncryptionKey: KeyEncryptionKey(key: SymmetricKey(size: .bits256)))
        await #expect(throws: (any Error).self) { try await stranger.activeSigner(tenantID: Self.tenant.id) }
    }
}
