import Foundation
import PostgresNIO
import Shared
import ToolKit

/// The tool-call limits every resource-server on one PostgreSQL database shares: a counter row per grant
/// and per person, each for reads and for writes, in fixed one-minute windows (table `tool_call_window`,
/// migration "rs2"). One statement counts the call for both holders and returns both counts, in a
/// transaction that is rolled back when either is over, so a refused call takes nothing, as with the
/// in-memory buckets. Unlike them, a fixed window lets a caller spend up to two minutes' allowance around
/// a window's end: the price of one upsert per call instead of a read-modify-write of a shared bucket.
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

    private struct OverLimit: Error {}

    public func take(_ caller: Caller, kind: ToolKind, now: Double) async throws -> Int? {
        let isWrite = kind != .read
        let limit = isWrite ? limits.writesPerMinute : limits.readsPerMinute
        let start = Int64((now / Double(Self.window)).rounded(.down)) * Self.window
        try await clearEndedWindows(current: start)
        let claims = caller.claims
        // Always the grant's row before the person's, so two calls never wait on each other's rows crosswise.
        let grant = "grant " + claims.grantID
        let person = "subject " + claims.subject
        do {
            try await database.transaction { connection in
                let counts = try await connection.query(
                    """
                    INSERT INTO tool_call_window (tenant_id, holder, is_write, window_start, count)
                    VALUES (\(claims.tenantID), \(grant), \(isWrite), \(start), 1), (\(claims.tenantID), \(person), \(isWrite), \(start), 1)
                    ON CONFLICT (tenant_id, holder, is_write, window_start) DO UPDATE SET count = tool_call_window.count + 1
                    RETURNING count
                    """, logger: database.logger
                ).collect().map { try $0.decode(Int.self) }
                if counts.contains(where: { $0 > limit }) { throw OverLimit() }
            }
            return nil
        } catch is OverLimit {
            return max(1, Int((Double(start + Self.window) - now).rounded(.up)))
        }
    }

    /// Drops the windows before the previous one, once per window and process: the previous window stays
    /// for an instance whose clock runs a little behind.
    private func clearEndedWindows(current start: Int64) async throws {
        guard clearing.isDue(windowStart: start) else { return }
        try await database.query("DELETE FROM tool_call_window WHERE window_start < \(start - Self.window)")
    }
}
