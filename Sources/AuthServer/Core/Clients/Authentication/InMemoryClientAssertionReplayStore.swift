import Crypto
import Foundation

/// The replay store of a single auth-server instance. Entries are kept per client, keyed by a digest of the
/// `jti`, so each costs the same whatever the id's length, and are forgotten once their assertion has
/// expired. Each client may hold `perClientCapacity` live entries and the store `capacity` in all: a client
/// that reaches its cap is refused, not the others, so one client flooding the token endpoint with valid
/// assertions of its own cannot lock anyone else out. A store still full after purging refuses the
/// assertion: forgetting an unexpired `jti` would allow a replay.
public actor InMemoryClientAssertionReplayStore: ClientAssertionReplayStore {
    public enum Full: Error {
        /// This client holds its share of live entries.
        case client
        /// The whole store is full.
        case store
    }

    private let capacity: Int
    private let perClientCapacity: Int
    private var entries: [String: [SHA256.Digest: Date]] = [:]
    private var count = 0

    public init(
        capacity: Int = ClientAuthenticationPolicy.replayStoreCapacity,
        perClientCapacity: Int = ClientAuthenticationPolicy.replayEntriesPerClient(tokenRequestsPerMinute: AuthPolicy.TokenEndpoint.requestsPerMinute)
    ) {
        self.capacity = capacity
        self.perClientCapacity = perClientCapacity
    }

    public func recordFirstUse(clientID: String, tokenID: String, expiresAt: Date, now: Date) throws -> Bool {
        let key = SHA256.hash(data: Data(tokenID.utf8))
        var client = entries[clientID] ?? [:]
        if let expiry = client[key], expiry > now { return false }
        if client[key] == nil {
            if client.count >= perClientCapacity {
                client = purge(clientID, client, now: now)
                guard client.count < perClientCapacity else { throw Full.client }
            }
            if count >= capacity {
                purgeAll(now: now)
                client = entries[clientID] ?? [:]
                guard count < capacity else { throw Full.store }
            }
            count += 1
        }
        client[key] = expiresAt
        entries[clientID] = client
        return true
    }

    private func purge(_ clientID: String, _ client: [SHA256.Digest: Date], now: Date) -> [SHA256.Digest: Date] {
        let live = client.filter { $0.value > now }
        count -= client.count - live.count
        entries[clientID] = live.isEmpty ? nil : live
        return live
    }

    private func purgeAll(now: Date) {
        for (clientID, client) in entries { _ = purge(clientID, client, now: now) }
    }
}
