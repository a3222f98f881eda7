import Crypto
import Shared
import Synchronization
import ToolKit

/// Callers whose token was already verified (a JWT's signature and claims) or vouched for (a personal access
/// token's introspection), keyed by the SHA-256 of the token, so a client calling many tools with one token
/// pays for one ES256 verification (about 140 µs here) or one introspection, not one per call. An entry ends
/// with the token's `exp`, or sooner when inserted with `until`; the cache is bounded and never holds the token.
public final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let caller: Caller
        /// The last second the entry may answer.
        let until: Int64
    }

    private let entries = Mutex<[SHA256.Digest: Entry]>([:])
    private let capacity: Int

    public init(capacity: Int = 10_000) { self.capacity = capacity }

    public func caller(for digest: SHA256.Digest, now: Int64) -> Caller? {
        entries.withLock { entries in
            guard let entry = entries[digest] else { return nil }
            guard now <= entry.until else {
                entries[digest] = nil
                return nil
            }
            return entry.caller
        }
    }

    /// - Parameter until: an earlier end than the token's own (`exp` plus the verifier's leeway).
    public func insert(_ caller: Caller, for digest: SHA256.Digest, now: Int64, until: Int64? = nil) {
        let ownEnd = caller.claims.expiresAt + AccessTokenVerifier.leewaySeconds
        let entry = Entry(caller: caller, until: min(ownEnd, until ?? ownEnd))
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now <= $0.value.until }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = entry
        }
    }

    /// Forgets the callers a revocation event ends or changes.
    public func remove(affectedBy event: RevocationEvent) {
        entries.withLock { entries in entries = entries.filter { !RevocationDenySet.affects(event, $0.value.caller.claims) } }
    }

    /// Forgets everything, for when the revocation stream starts over.
    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    public var count: Int { entries.withLock { $0.count } }
}
