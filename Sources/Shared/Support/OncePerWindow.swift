import Synchronization

/// Lets one caller per window through, in this process: what sweeps ended windows from a shared table runs once a
/// window, not on every request.
public final class OncePerWindow: Sendable {
    private let last = Mutex<Int64>(.min)

    public init() {}

    /// True the first time it is asked for this window (or a later one), false after.
    public func isDue(windowStart: Int64) -> Bool {
        last.withLock { last in
            guard last < windowStart else { return false }
            last = windowStart
            return true
        }
    }
}
