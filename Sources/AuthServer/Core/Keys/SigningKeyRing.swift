import Crypto
import Foundation
import Shared
import Synchronization

/// A tenant's ES256 signing keys. A new key is published `AuthPolicy.signingKeyActivationDelay` before
/// it signs, so no resource-server meets its kid unannounced; a retired key stays published until every
/// token it signed has expired (`AuthPolicy.retiredKeyPublication`).
///
/// The keys are read from the store at most every `AuthPolicy.signingKeyCacheSeconds`, and a private key is
/// unsealed once per key, not once per token: a rotation made by another process (`admin keys rotate`) is
/// seen within that time, well inside the activation delay, so every instance signs with the new key as soon
/// as it may.
public struct SigningKeyRing: Sendable {
    let store: any SigningKeyStore
    let keyEncryptionKey: KeyEncryptionKey
    private let cache = KeyCache()

    public init(store: any SigningKeyStore, keyEncryptionKey: KeyEncryptionKey) {
        self.store = store
        self.keyEncryptionKey = keyEncryptionKey
    }

    /// Makes the tenant's first key when it has no active one (first start).
    public func ensureActiveKey(tenantID: String) async throws {
        if try await store.signingKeys(tenantID: tenantID).contains(where: { $0.isActive(at: Date()) }) { return }
        defer { cache.forget(tenantID: tenantID) }
        try await store.insertSigningKey(try makeKey(tenantID: tenantID, now: Date()))
    }

    /// Makes a new key, published at once and signing after the activation delay, when the others retire
    /// and stay published long enough for their tokens. The key, the retirements and the `key.rotated` ledger entry
    /// are stored in one transaction.
    @discardableResult
    public func rotate(tenantID: String, now: Date = Date()) async throws -> String {
        defer { cache.forget(tenantID: tenantID) }
        let key = try makeKey(tenantID: tenantID, now: now)
        let switchover = now.addingTimeInterval(AuthPolicy.signingKeyActivationDelay)
        try await store.rotateSigningKeys(
            to: key, retiringOthersAt: switchover, publishUntil: switchover.addingTimeInterval(TimeInterval(AuthPolicy.retiredKeyPublication)),
            ledger: Ledger.entry(.keyRotated, tenantID: tenantID, detail: "new signing key \(key.keyID)", at: now))
        return key.keyID
    }

    /// The newest active key that has been published for the activation delay; on a first start, when
    /// no key has been, the oldest active one.
    public func activeSigner(tenantID: String, now: Date = Date()) async throws -> AccessTokenSigner {
        let active = try await keys(tenantID: tenantID, now: now).filter { $0.isActive(at: now) }  // newest first
        let announced = active.first { now.timeIntervalSince($0.createdAt) >= AuthPolicy.signingKeyActivationDelay }
        guard let active = announced ?? active.last else { throw SigningKeyRingError.noActiveKey(tenantID: tenantID) }
        if let signer = cache.signer(tenantID: tenantID, keyID: active.keyID) { return signer }
        let raw = try keyEncryptionKey.open(active.sealedPrivateKey, context: Self.sealContext(active.tenantID, active.keyID))
        let signer = AccessTokenSigner(keyID: active.keyID, privateKey: try P256.Signing.PrivateKey(rawRepresentation: raw))
        cache.keep(signer, tenantID: tenantID)
        return signer
    }

    public func publishedKeys(tenantID: String, now: Date = Date()) async throws -> JSONWebKeySet {
        JSONWebKeySet(keys: try await keys(tenantID: tenantID, now: now).filter { $0.isPublished(at: now) }.map(\.publicKey))
    }

    /// The tenant's stored keys, newest first, from the cache while it is fresh.
    private func keys(tenantID: String, now: Date) async throws -> [StoredSigningKey] {
        if let keys = cache.keys(tenantID: tenantID, now: now) { return keys }
        let keys = try await store.signingKeys(tenantID: tenantID)
        cache.keep(keys, tenantID: tenantID, now: now)
        return keys
    }

    /// The claims of one of this tenant's own unexpired access tokens, verified with its published keys (RFC 9068
    /// §4); nil for anything else, so revocation and introspection say nothing about why a token is not ours.
    public func verifiedClaims(of token: String, tenant: Tenant, now: Date = Date()) async throws -> AccessTokenClaims? {
        guard let parsed = try? AccessTokenVerifier.parse(token),
            let key = try await publishedKeys(tenantID: tenant.id, now: now).keys.first(where: { $0.kid == parsed.keyID })?.publicKey
        else { return nil }
        return try? AccessTokenVerifier(issuer: tenant.issuer, audience: tenant.resource, tenantID: tenant.id).verify(parsed, key: key, now: now)
    }

    private func makeKey(tenantID: String, now: Date) throws -> StoredSigningKey {
        let privateKey = P256.Signing.PrivateKey()
        let keyID = RandomIdentifier.make()
        return StoredSigningKey(
            tenantID: tenantID,
            keyID: keyID,
            publicKey: JSONWebKey(publicKey: privateKey.publicKey, kid: keyID),
            sealedPrivateKey: try keyEncryptionKey.seal(privateKey.rawRepresentation, context: Self.sealContext(tenantID, keyID)),
            createdAt: now
        )
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

/// Each tenant's stored keys as last read, and the signers unsealed from them.
private final class KeyCache: Sendable {
    private struct Entry {
        var keys: [StoredSigningKey]
        var readAt: Date
        var signers: [String: AccessTokenSigner] = [:]
    }

    private let entries = Mutex<[String: Entry]>([:])

    func keys(tenantID: String, now: Date) -> [StoredSigningKey]? {
        entries.withLock { entries in
            guard let entry = entries[tenantID], abs(now.timeIntervalSince(entry.readAt)) < AuthPolicy.signingKeyCacheSeconds else { return nil }
            return entry.keys
        }
    }

    func keep(_ keys: [StoredSigningKey], tenantID: String, now: Date) {
        entries.withLock { entries in
            // Signers of keys still stored are kept: unsealing is the expensive part.
            let signers = entries[tenantID]?.signers.filter { signer in keys.contains { $0.keyID == signer.key } } ?? [:]
            entries[tenantID] = Entry(keys: keys, readAt: now, signers: signers)
        }
    }

    func signer(tenantID: String, keyID: String) -> AccessTokenSigner? {
        entries.withLock { $0[tenantID]?.signers[keyID] }
    }

    func keep(_ signer: AccessTokenSigner, tenantID: String) {
        entries.withLock { $0[tenantID]?.signers[signer.keyID] = signer }
    }

    func forget(tenantID: String) {
        entries.withLock { $0[tenantID] = nil }
    }
}
