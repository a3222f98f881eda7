import Crypto
import Foundation
import Shared

/// A tenant's ES256 signing keys: one active key signs; retired keys stay published in the JWKS until
/// every token they signed has expired (`AuthPolicy.retiredKeyPublication`).
public struct SigningKeyRing: Sendable {
    let store: any SigningKeyStore
    let keyEncryptionKey: KeyEncryptionKey

    public init(store: any SigningKeyStore, keyEncryptionKey: KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Makes the tenant's first key when it has no active one (first start).
    public func ensureActiveKey(tenantID: String) async throws {
        if try await store.signingKeys(tenantID: tenantID).contains(where: \.isActive) { return }
        _ = try await addKey(tenantID: tenantID, now: Date())
    }

    /// Makes a new active key and retires the others, keeping them published long enough.
    @discardableResult
    public func rotate(tenantID: String, now: Date = Date()) async throws -> String {
        let keyID = try await addKey(tenantID: tenantID, now: now)
        try await store.retireSigningKeys(
            tenantID: tenantID, except: keyID, at: now, publishUntil: now.addingTimeInterval(TimeInterval(AuthPolicy.retiredKeyPublication))
        )
        return keyID
    }

    public func activeSigner(tenantID: String) async throws -> AccessTokenSigner {
        guard let active = try await store.signingKeys(tenantID: tenantID).first(where: \.isActive) else {
            throw SigningKeyRingError.noActiveKey(tenantID: tenantID)
        }
        let raw = try keyEncryptionKey.open(active.sealedPrivateKey, context: Self.sealContext(active.tenantID, active.keyID))
        return AccessTokenSigner(keyID: active.keyID, privateKey: try P256.Signing.PrivateKey(rawRepresentation: raw))
    }

    public func publishedKeys(tenantID: String, now: Date = Date()) async throws -> JSONWebKeySet {
        JSONWebKeySet(keys: try await store.signingKeys(tenantID: tenantID).filter { $0.isPublished(at: now) }.map(\.publicKey))
    }

    private func addKey(tenantID: String, now: Date) async throws -> String {
        let privateKey = P256.Signing.PrivateKey()
        let keyID = RandomIdentifier.make()
        try await store.insertSigningKey(
            StoredSigningKey(
                tenantID: tenantID,
                keyID: keyID,
                publicKey: JSONWebKey(publicKey: privateKey.publicKey, kid: keyID),
                sealedPrivateKey: try keyEncryptionKey.seal(privateKey.rawRepresentation, context: Self.sealContext(tenantID, keyID)),
                createdAt: now
            )
        )
        return keyID
    }

    static func sealContext(_ tenantID: String, _ keyID: String) -> String { "gatehouse signing key \(tenantID) \(keyID)" }
}

public enum SigningKeyRingError: Error, CustomStringConvertible {
    case noActiveKey(tenantID: String)

    public var description: String {
        switch self {
        case .noActiveKey(let tenantID): "tenant '\(tenantID)' has no active signing key"
        }
    }
}
