import Foundation
import Synchronization

/// Slows down password and code guessing, per account and per client address (policy and its reasons in
/// `AuthPolicy.SignInThrottle`). Failures within the window are counted; past the free ones an attempt waits
/// `firstDelay`, doubling with each further failure up to `maximumDelay`; at the lockout count attempts are
/// refused, without checking anything, until enough failures have left the window.
///
/// Unknown emails are counted like known ones, so the throttle tells nothing about who has an account. It is
/// in memory, per process: several auth-server instances each count on their own, and a restart forgets.
/// Addresses are as `AuthRequestContext.clientAddress` gives them: behind a proxy, the proxy's.
public final class SignInThrottle: Sendable {
    public enum Key: Hashable, Sendable {
        /// One account, by tenant and normalised email (whether or not the account exists).
        case account(tenantID: String, email: String)
        /// One client address; nil (no peer address known) is one shared key.
        case address(String?)

        public static func account(tenantID: String, rawEmail: String) -> Key {
            .account(tenantID: tenantID, email: User.normalise(email: rawEmail))
        }

        var limits: (free: Int, lockout: Int) {
            switch self {
            case .account: (AuthPolicy.SignInThrottle.freeFailuresPerAccount, AuthPolicy.SignInThrottle.lockoutFailuresPerAccount)
            case .address: (AuthPolicy.SignInThrottle.freeFailuresPerAddress, AuthPolicy.SignInThrottle.lockoutFailuresPerAddress)
            }
        }
    }

    public enum Verdict: Equatable, Sendable {
        /// Go ahead after waiting `delay` (zero while within the free failures).
        case allow(delay: Duration)
        /// Too many failures: answer 429 and say when to come back.
        case refuse(retryAfter: Duration)
    }

    /// Failure times per key, oldest first, never more than the key's lockout count.
    private let failures = Mutex<[Key: [Date]]>([:])
    private let maximumTrackedKeys: Int

    public init(maximumTrackedKeys: Int = AuthPolicy.SignInThrottle.maximumTrackedKeys) {
        self.maximumTrackedKeys = maximumTrackedKeys
    }

    /// The strictest verdict over the keys.
    public func verdict(for keys: [Key], at now: Date) -> Verdict {
        failures.withLock { failures in
            var delay = Duration.zero
            var retryAfter: Duration?
            for key in keys {
                let recent = Self.recent(failures[key] ?? [], at: now)
                let (free, lockout) = key.limits
                if recent.count >= lockout {
                    let freedAt = recent[recent.count - lockout].addingTimeInterval(AuthPolicy.SignInThrottle.window)
                    let wait = Duration.seconds(max(1, freedAt.timeIntervalSince(now).rounded(.up)))
                    retryAfter = max(retryAfter ?? .zero, wait)
                } else if recent.count >= free {
                    delay = max(delay, Self.delay(afterExtraFailures: recent.count - free))
                }
            }
            return retryAfter.map { .refuse(retryAfter: $0) } ?? .allow(delay: delay)
        }
    }

    public func recordFailure(for keys: [Key], at now: Date) {
        failures.withLock { failures in
            for key in keys {
                if failures[key] == nil, failures.count >= maximumTrackedKeys {
                    Self.makeRoom(in: &failures, limit: maximumTrackedKeys, at: now)
                }
                var recent = Self.recent(failures[key] ?? [], at: now)
                recent.append(now)
                failures[key] = Array(recent.suffix(key.limits.lockout))
            }
        }
    }

    /// A right password clears the account's count; the address keeps its own.
    public func recordSuccess(for key: Key) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    private static func recent(_ times: [Date], at now: Date) -> [Date] {
        times.filter { now.timeIntervalSince($0) < AuthPolicy.SignInThrottle.window }
    }

    private static func delay(afterExtraFailures extra: Int) -> Duration {
        let maximum = AuthPolicy.SignInThrottle.maximumDelay
        // 2^extra overflows nothing before the cap: stop doubling once past it.
        var delay = AuthPolicy.SignInThrottle.firstDelay
        for _ in 0..<extra where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }

    /// Forgets keys with no failure in the window, then, if still full, the quarter seen least recently.
    private static func makeRoom(in failures: inout [Key: [Date]], limit: Int, at now: Date) {
        failures = failures.filter { !recent($0.value, at: now).isEmpty }
        guard failures.count >= limit else { return }
        let stalest = failures.sorted { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
        for (key, _) in stalest.prefix(max(1, limit / 4)) { failures.removeValue(forKey: key) }
    }
}
