import Crypto
import Shared
import Synchronization
import ToolKit

/// Callers whose token's signature and claims were already verified, keyed by the SHA-256 of the token,
/// so a client calling many tools with one token pays for one ES256 verification (about 140 µs here) and
/// not one per call. Entries end with the token's `exp`; the cache is bounded and never holds the token.
public final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[SHA256.Digest: Caller]>([:])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    public func caller(for digest: SHA256.Digest, now: Int64) -> Caller? {
        entries.withLock { entries in
            guard let caller = entries[digest] else { return nil }
            guard now - AccessTokenVerifier.leewaySeconds <= caller.claims.expiresAt else {
                entries[digest] = nil
                return nil
            }
            return caller
        }
    }

    public func insert(_ caller: Caller, for digest: SHA256.Digest, now: Int64) {
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now - AccessTokenVerifier.leewaySeconds <= $0.value.claims.expiresAt }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = caller
        }
    }

    /// Forgets the callers a revocation event ends or changes.
    public func remove(affectedBy event: RevocationEvent) {
        entries.withLock { entries in entries = entries.filter { !RevocationDenySet.affects(event, $0.value.claims) } }
    }

    /// Forgets everything, for when the revocation stream starts over.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    public var count: Int { entries.withLock { $0.count } }
}
