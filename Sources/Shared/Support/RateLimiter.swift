import Foundation
import Synchronization

/// Counts events per key in windows and says when a key has used up its allowance: in this process's memory
/// (`RateLimiter`), or shared by every instance on one PostgreSQL database (`PostgresRateLimiter`), so that
/// a second instance does not double an allowance.
public protocol RequestLimiter: Sendable {
    /// Counts one event for `key`; nil when it is within the limit, else how long until the window ends.
    func admit(_ key: String, now: Date) async throws -> Duration?
}

/// Where a server's request limiters count: `inMemory` with the embedded store, `shared` with PostgreSQL.
public enum RequestLimiters: Sendable {
    case inMemory
    case shared(PostgresSchemaPool)

    /// A limiter of `limit` events per `window` seconds; `name` keeps its counts apart from other limiters'.
    public func make(_ name: String, limit: Int, per window: TimeInterval) -> any RequestLimiter {
        switch self {
        case .inMemory: RateLimiter(limit: limit, per: window)
        case .shared(let pool): PostgresRateLimiter(name: name, limit: limit, per: window, pool: pool)
        }
    }
}

/// A `RequestLimiter` in memory: each server instance limits on its own, which is enough to stop a script
/// hammering one instance. The table is bounded; when full, windows that have ended are dropped first, then
/// the oldest.
public final class RateLimiter: RequestLimiter {
    private struct Window {
        var start: Date
        var count: Int
    }

    private let limit: Int
    private let window: TimeInterval
    private let capacity: Int
    private let windows = Mutex<[String: Window]>([:])

    public init(limit: Int, per window: TimeInterval, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Counts one event for `key`; nil when it is within the limit, else how long until the window ends.
    public func admit(_ key: String, now: Date = Date()) -> Duration? {
        windows.withLock { windows in
            if windows[key] == nil, windows.count >= capacity {
                windows = windows.filter { now.timeIntervalSince($0.value.start) < window }
                if windows.count >= capacity, let oldest = windows.min(by: { $0.value.start < $1.value.start })?.key {
                    windows[oldest] = nil
                }
            }
            var current = windows[key] ?? Window(start: now, count: 0)
            if now.timeIntervalSince(current.start) >= window { current = Window(start: now, count: 0) }
            current.count += 1
            windows[key] = current
            guard current.count > limit else { return nil }
            return .seconds(max(1, (window - now.timeIntervalSince(current.start)).rounded(.up)))
        }
    }
}
