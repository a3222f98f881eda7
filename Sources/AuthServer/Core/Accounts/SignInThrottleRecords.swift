import Foundation
import PostgresNIO
import Shared
import Synchronization

/// Where `SignInThrottle` keeps its records: each change is made over the records of the keys it names with no
/// other change to them in between, so two attempts at once never take the same turn or miss each other's failure.
protocol SignInThrottleRecords: Sendable {
    func update<T: Sendable>(
        _ keys: [SignInThrottle.Key], at now: Date, _ body: @Sendable (inout [SignInThrottle.Key: SignInThrottle.Record]) -> T
    ) async throws -> T
    func forget(_ key: SignInThrottle.Key) async throws
}

/// In this process's memory, bounded: past `maximumTrackedKeys` it forgets keys with nothing against them, then the
/// stalest quarter.
final class InMemorySignInRecords: SignInThrottleRecords {
    private let records = Mutex<[SignInThrottle.Key: SignInThrottle.Record]>([:])
    private let maximumTrackedKeys: Int

    init(maximumTrackedKeys: Int) { self.maximumTrackedKeys = maximumTrackedKeys }

    func update<T: Sendable>(
        _ keys: [SignInThrottle.Key], at now: Date, _ body: @Sendable (inout [SignInThrottle.Key: SignInThrottle.Record]) -> T
    ) async throws -> T {
        records.withLock { records in
            if keys.contains(where: { records[$0] == nil }), records.count >= maximumTrackedKeys {
                Self.makeRoom(in: &records, limit: maximumTrackedKeys, at: now)
            }
            return body(&records)
        }
    }

    func forget(_ key: SignInThrottle.Key) async throws {
        _ = records.withLock { $0.removeValue(forKey: key) }
    }

    private static func makeRoom(in records: inout [SignInThrottle.Key: SignInThrottle.Record], limit: Int, at now: Date) {
        records = records.filter { !SignInThrottle.recent($0.value.failures, at: now).isEmpty || ($0.value.nextTurn ?? .distantPast) > now }
        guard records.count >= limit else { return }
        let stalest = records.sorted { ($0.value.failures.last ?? .distantPast) < ($1.value.failures.last ?? .distantPast) }
        for (key, _) in stalest.prefix(max(1, limit / 4)) { records.removeValue(forKey: key) }
    }
}

/// In the database every auth-server on it shares: a row per key, locked for the length of a change
/// (`SELECT … FOR UPDATE`, in key order so two changes never wait on each other crosswise). A row with nothing
/// against it any more is deleted as it is left; rows untouched for a window are swept once a window per process.
final class PostgresSignInRecords: SignInThrottleRecords {
    /// The table: a step of the auth-server's migrations (`PostgresAuthMigrations`).
    static let tables = [
        """
        CREATE TABLE sign_in_throttle (
            key TEXT PRIMARY KEY,
            failures DOUBLE PRECISION[] NOT NULL DEFAULT '{}',
            next_turn DOUBLE PRECISION,
            updated_at DOUBLE PRECISION NOT NULL DEFAULT 0
        )
        """,
        "CREATE INDEX sign_in_throttle_age ON sign_in_throttle (updated_at)",
    ]

    let pool: PostgresSchemaPool
    private let sweeping = OncePerWindow()

    init(pool: PostgresSchemaPool) { self.pool = pool }

    func update<T: Sendable>(
        _ keys: [SignInThrottle.Key], at now: Date, _ body: @Sendable (inout [SignInThrottle.Key: SignInThrottle.Record]) -> T
    ) async throws -> T {
        try await sweepIfDue(now)
        let byStored = Dictionary(keys.map { ($0.stored, $0) }, uniquingKeysWith: { first, _ in first })
        let stored = byStored.keys.sorted()
        let logger = pool.logger
        return try await pool.transaction { connection in
            try await connection.query(
                "INSERT INTO sign_in_throttle (key) SELECT unnest(\(stored)::text[]) ON CONFLICT (key) DO NOTHING", logger: logger)
            var records: [SignInThrottle.Key: SignInThrottle.Record] = [:]
            let rows = try await connection.query(
                "SELECT key, failures, next_turn FROM sign_in_throttle WHERE key = ANY(\(stored)) ORDER BY key FOR UPDATE", logger: logger)
            for try await (key, failures, nextTurn) in rows.decode((String, [Double], Double?).self) {
                guard let throttleKey = byStored[key] else { continue }
                records[throttleKey] = SignInThrottle.Record(
                    failures: failures.map(Date.init(timeIntervalSince1970:)), nextTurn: nextTurn.map(Date.init(timeIntervalSince1970:)))
            }
            let before = records
            let result = body(&records)
            for (key, record) in records where before[key] != record {
                try await connection.query(
                    """
                    INSERT INTO sign_in_throttle (key, failures, next_turn, updated_at)
                    VALUES (\(key.stored), \(record.failures.map(\.timeIntervalSince1970)), \(record.nextTurn?.timeIntervalSince1970), \(now.timeIntervalSince1970))
                    ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, next_turn = excluded.next_turn, updated_at = excluded.updated_at
                    """, logger: logger)
            }
            // What holds nothing against its key any more takes no room.
            try await connection.query(
                """
                DELETE FROM sign_in_throttle WHERE key = ANY(\(stored)) AND cardinality(failures) = 0
                AND (next_turn IS NULL OR next_turn <= \(now.timeIntervalSince1970))
                """, logger: logger)
            return result
        }
    }

    func forget(_ key: SignInThrottle.Key) async throws {
        try await pool.query("DELETE FROM sign_in_throttle WHERE key = \(key.stored)")
    }

    /// Rows nobody touched for a window hold no failure inside it; swept once a window per process.
    private func sweepIfDue(_ now: Date) async throws {
        let window = AuthPolicy.SignInThrottle.window
        guard sweeping.isDue(windowStart: Int64((now.timeIntervalSince1970 / window).rounded(.down))) else { return }
        try await pool.query(
            "DELETE FROM sign_in_throttle WHERE updated_at < \(now.timeIntervalSince1970 - window) AND coalesce(next_turn, 0) < \(now.timeIntervalSince1970)")
    }
}
