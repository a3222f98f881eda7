import Foundation
import PostgresNIO

/// A `RequestLimiter` every instance on one PostgreSQL database shares: one counter row per limiter, key and
/// fixed window (aligned to the epoch, so every instance agrees where windows start), counted with one upsert.
/// Unlike the in-memory limiter's windows, which start at a key's first event, an aligned window lets a key
/// spend up to twice its allowance around a window's end: the price of one statement per event.
public final class PostgresRateLimiter: RequestLimiter {
    /// The table, in the schema of each server that counts with it: a step of that server's migrations.
    public static let tables = [
        """
        CREATE TABLE request_window (
            limiter TEXT NOT NULL,
            key TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (limiter, key, window_start)
        )
        """
    ]

    let name: String
    let limit: Int
    let window: Int64
    let pool: PostgresSchemaPool
    /// Each process clears ended windows once a window.
    private let clearing = OncePerWindow()

    public init(name: String, limit: Int, per window: TimeInterval, pool: PostgresSchemaPool) {
        self.name = name
        self.limit = limit
        self.window = max(1, Int64(window))
        self.pool = pool
    }

    public func admit(_ key: String, now: Date) async throws -> Duration? {
        let seconds = now.timeIntervalSince1970
        let start = Int64((seconds / Double(window)).rounded(.down)) * window
        try await clearEndedWindows(current: start)
        // Committed without waiting for the disk (`PostgresUnsyncedCommit`): of the three flushes a refresh grant
        // waited for, two were these counts'.
        let count = try await pool.preparedRows(
            """
            \(unescaped: PostgresUnsyncedCommit.opening)
            INSERT INTO request_window (limiter, key, window_start, count) SELECT \(name), \(key), \(start), 1 FROM unsynced
            ON CONFLICT (limiter, key, window_start) DO UPDATE SET count = request_window.count + 1
            RETURNING count
            """
        ).first?.decode(Int.self) ?? 0
        guard count > limit else { return nil }
        return .seconds(max(1, (Double(start + window) - seconds).rounded(.up)))
    }

    /// Drops this limiter's windows before the previous one, once per window and process: the previous window
    /// stays for an instance whose clock runs a little behind.
    private func clearEndedWindows(current start: Int64) async throws {
        guard clearing.isDue(windowStart: start) else { return }
        try await pool.query("DELETE FROM request_window WHERE limiter = \(name) AND window_start < \(start - window)")
    }
}
