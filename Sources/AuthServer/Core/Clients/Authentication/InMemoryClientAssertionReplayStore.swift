import Crypto
import Foundation

/// The replay store of a single auth-server instance. Entries are keyed by a digest of client and `jti`,
/// so each costs the same whatever the ids' length, and expired ones are purged when the store fills.
/// A store still full after purging refuses the assertion: forgetting an unexpired `jti` would allow a
/// replay.
public actor InMemoryClientAssertionReplayStore: ClientAssertionReplayStore {
    struct Full: Error {}

    private let capacity: Int
    private var expiries: [SHA256.Digest: Date] = [:]

    public init(capacity: Int = ClientAuthenticationPolicy.replayStoreCapacity) {
        self.capacity = capacity
    }

    public func recordFirstUse(clientID: String, tokenID: String, expiresAt: Date, now: Date) throws -> Bool {
        var hasher = SHA256()
        // Length-prefixed, so ("ab", "c") and ("a", "bc") cannot collide.
        hasher.update(data: withUnsafeBytes(of: UInt64(clientID.utf8.count).bigEndian) { Data($0) })
        hasher.update(data: Data(clientID.utf8))
        hasher.update(data: Data(tokenID.utf8))
        let key = hasher.finalize()
        if let expiry = expiries[key], expiry > now { return false }
        if expiries[key] == nil, expiries.count >= capacity {
            expiries = expiries.filter { $0.value > now }
            guard expiries.count < capacity else { throw Full() }
        }
        expiries[key] = expiresAt
        return true
    }
}
