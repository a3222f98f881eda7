import Crypto
import Foundation
import PostgresNIO
import Shared
import Synchronization

/// The replay store of auth-servers sharing one PostgreSQL database (RFC 7523 §3 item 7): an assertion accepted by
/// one is refused by every other, because the first use is a row under a unique key on client and `jti`, inserted
/// or refused by the database in one statement. Keyed by client only, as the in-memory store is: an assertion's
/// audience is one tenant's issuer, so it cannot pass at another tenant anyway.
///
/// Rows are forgotten once their assertion has expired, by a sweep at most once a minute per process. No cap as in
/// `InMemoryClientAssertionReplayStore`: the rows are on disk, and the token endpoint's rate limit bounds how fast
/// a client can add them.
final class PostgresClientAssertionReplayStore: ClientAssertionReplayStore {
    private let database: PostgresSchemaPool
    private let lastSweep = Mutex<Date>(.distantPast)
    static let sweepInterval: TimeInterval = 60

    init(database: PostgresSchemaPool) {
        self.database = database
    }

    func recordFirstUse(clientID: String, tokenID: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await sweepIfDue(now: now)
        // A digest, so each row costs the same whatever the id's length.
        let key = Data(SHA256.hash(data: Data(tokenID.utf8)))
        // An expired row of the same jti is taken over: the assertion it recorded fails its own expiry check by then.
        return try await database.rows(
            """
            INSERT INTO client_assertion (client_id, jti_hash, expires_at) VALUES (\(clientID), \(key), \(expiresAt))
            ON CONFLICT (client_id, jti_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE client_assertion.expires_at <= \(now)
            RETURNING 1
            """
        ).count == 1
    }

    private func sweepIfDue(now: Date) async throws {
        let due = lastSweep.withLock { last in
            guard now.timeIntervalSince(last) >= Self.sweepInterval else { return false }
            last = now
            return true
        }
        if due { try await database.rows("DELETE FROM client_assertion WHERE expires_at <= \(now)") }
    }
}
