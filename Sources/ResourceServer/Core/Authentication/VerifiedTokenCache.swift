import Crypto
import Shared
import Synchronization

/// Tokens whose signature and claims were already verified, keyed by the SHA-256 of the token, so a
/// client calling many tools with one token pays for one ES256 verification (about 140 µs here) and not
/// one per call. Entries end with the token's `exp`; the cache is bounded and never holds the token itself.
public final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let claims: AccessTokenClaims
    }

    private let entries = Mutex<[SHA256.Digest: Entry]>([:])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    public func claims(for digest: SHA256.Digest, now: Int64) -> AccessTokenClaims? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            guard now - AccessTokenVerifier.leewaySeconds <= entry.claims.expiresAt else {
                entries[digest] = nil
                return nil
            }
            return entry.claims
        }
    }

    public func insert(_ claims: AccessTokenClaims, for digest: SHA256.Digest, now: Int64) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now - AccessTokenVerifier.leewaySeconds <= $0.value.claims.expiresAt }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = Entry(claims: claims)
        }
    }

    /// Forgets every token of a grant, for when the grant is revoked.
    public func removeGrant(_ grantID: String) {
        entries.withLock { entries in entries = entries.filter { $0.value.claims.grantID != grantID } }
    }

    public var count: Int { entries.withLock { $0.count } }
}
