import Foundation
import PostgresNIO
import Shared
import ToolKit

/// The tool-call limits every resource-server on one PostgreSQL database shares: a counter row per grant
/// and per person, each for reads and for writes, in fixed one-minute windows (table `tool_call_window`,
/// migration "rs2"). Unlike the in-memory buckets, a fixed window lets a caller spend up to two minutes'
/// allowance around a window's end: the price of one upsert per call instead of a read-modify-write of a
/// shared bucket.
///
/// A call is one statement in one round trip, outside any explicit transaction: it counts the call for both
/// holders, each only while under the limit, and returns the rows it counted. When either was full, the call
/// is refused and what it counted is given back, so a refused call takes nothing, as with the in-memory
/// buckets (between the two statements another call of the same holder may see the count one higher and be
/// refused too: only ever at the limit).
///
/// The statement commits without waiting for the WAL to reach the disk (`PostgresUnsyncedCommit`): no other data
/// depends on these rows and a count never leaves the window it belongs to; waiting for a WAL flush on every tool
/// call was most of what a call cost on PostgreSQL.
public final class PostgresToolRateLimits: ToolCallLimiter {
    public let limits: ToolRateLimits.Limits
    private let database: PostgresSchemaPool
    static let window: Int64 = 60
    /// Each process clears ended windows once a window.
    private let clearing = OncePerWindow()

    public init(limits: ToolRateLimits.Limits, database: PostgresSchemaPool) {
        self.limits = limits
        self.database = database
    }

    public func take(_ caller: Caller, kind: ToolKind, now: Double) async throws -> Int? {
        let isWrite = kind != .read
        let limit = isWrite ? limits.writesPerMinute : limits.readsPerMinute
        let start = Int64((now / Double(Self.window)).rounded(.down)) * Self.window
        try await clearEndedWindows(current: start)
        let claims = caller.claims
        // Always the grant's row before the person's, so two calls never wait on each other's rows crosswise.
        let grant = "grant " + claims.grantID
        let person = "subject " + claims.subject
        let counted = try await database.preparedRows(
            """
            \(unescaped: PostgresUnsyncedCommit.opening)
            INSERT INTO tool_call_window (tenant_id, holder, is_write, window_start, count)
            SELECT holders.* FROM unsynced, (VALUES (\(claims.tenantID), \(grant), \(isWrite), \(start), 1), (\(claims.tenantID), \(person), \(isWrite), \(start), 1)) AS holders
            ON CONFLICT (tenant_id, holder, is_write, window_start) DO UPDATE SET count = tool_call_window.count + 1
            WHERE tool_call_window.count < \(limit)
            RETURNING holder, count
            """
        ).map { try $0.decode((String, Int).self) }
        if counted.count == 2, counted.allSatisfy({ $0.1 <= limit }) { return nil }
        if !counted.isEmpty {
            try await database.query(
                """
                UPDATE tool_call_window SET count = count - 1
                WHERE tenant_id = \(claims.tenantID) AND holder = ANY(\(counted.map(\.0))) AND is_write = \(isWrite) AND window_start = \(start)
                """)
        }
        return max(1, Int((Double(start + Self.window) - now).rounded(.up)))
    }

    /// Drops the windows before the previous one, once per window and process: the previous window stays
    /// for an instance whose clock runs a little behind.
    private func clearEndedWindows(current start: Int64) async throws {
        guard clearing.isDue(windowStart: start) else { return }
        try await database.query("DELETE FROM tool_call_window WHERE window_start < \(start - Self.window)")
    }
}
