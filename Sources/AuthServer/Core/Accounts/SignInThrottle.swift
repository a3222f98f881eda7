import Foundation
import Shared
import Synchronization

/// Slows down password and code guessing, per account (or person) and per client address (policy and its reasons in
/// `AuthPolicy.SignInThrottle`). Failures within the window are counted.
///
/// - An account past its free failures waits `firstDelay`, doubling with each further failure up to
///   `maximumDelay`; at the lockout count it is refused, without checking anything, until enough failures have
///   left the window.
/// - An address is never locked: it may be a whole office behind one NAT. Past its free failures its attempts
///   are spaced out instead, each one given a turn the same doubling delay after the one before, however many
///   arrive at once. A turn further off than `maximumAddressWait` is refused with a short Retry-After rather
///   than queued, so a flood gets answers it cannot use and a person behind the same address waits seconds.
///
/// Unknown emails are counted like known ones, so the throttle tells nothing about who has an account. The
/// records are kept in memory with the embedded store (per process; a restart forgets) and in the database with
/// PostgreSQL, where every auth-server counts the same failures and hands out the same turns
/// (`PostgresSignInRecords`).
public final class SignInThrottle: Sendable {
    public enum Key: Hashable, Sendable {
        /// One account, by tenant and normalised email (whether or not the account exists).
        case account(tenantID: String, email: String)
        /// The device codes one signed-in person enters at /device, counted apart from their password.
        case deviceCodes(tenantID: String, userID: String)
        /// One client address, by its `ClientAddress.limitKey` (an IPv6 address by its /64).
        case address(String)

        public static func account(tenantID: String, rawEmail: String) -> Key {
            .account(tenantID: tenantID, email: User.normalise(email: rawEmail))
        }

        /// Requests without a known address share one key.
        public static func client(_ address: ClientAddress?) -> Key { .address(address?.limitKey ?? ClientAddress.unknownKey) }

        /// The key as the database keeps it; the parts are joined with a character no email, id or address has.
        var stored: String {
            switch self {
            case .account(let tenantID, let email): "account\u{1F}\(tenantID)\u{1F}\(email)"
            case .deviceCodes(let tenantID, let userID): "device\u{1F}\(tenantID)\u{1F}\(userID)"
            case .address(let address): "address\u{1F}\(address)"
            }
        }

        var freeFailures: Int {
            switch self {
            case .account, .deviceCodes: AuthPolicy.SignInThrottle.freeFailuresPerAccount
            case .address: AuthPolicy.SignInThrottle.freeFailuresPerAddress
            }
        }

        /// Failure times kept per key: enough to know the lockout, or that the longest delay is reached.
        var remembered: Int {
            switch self {
            case .account, .deviceCodes: AuthPolicy.SignInThrottle.lockoutFailuresPerAccount
            case .address: AuthPolicy.SignInThrottle.freeFailuresPerAddress + SignInThrottle.doublingsToMaximum
            }
        }
    }

    public enum Verdict: Equatable, Sendable {
        /// Go ahead after waiting `delay` (zero while within the free failures).
        case allow(delay: Duration)
        /// Too many failures: answer 429 and say when to come back.
        case refuse(retryAfter: Duration)
    }

    struct Record: Sendable, Equatable {
        /// Failure times, oldest first.
        var failures: [Date] = []
        /// For an address being spaced out: when the turn after the last one given begins.
        var nextTurn: Date?
    }

    private let records: any SignInThrottleRecords

    /// - Parameter counting: `.shared` keeps the records in that database, for every auth-server on it.
    public init(maximumTrackedKeys: Int = AuthPolicy.SignInThrottle.maximumTrackedKeys, counting: RequestLimiters = .inMemory) {
        switch counting {
        case .inMemory: records = InMemorySignInRecords(maximumTrackedKeys: maximumTrackedKeys)
        case .shared(let pool): records = PostgresSignInRecords(pool: pool)
        }
    }

    /// The strictest verdict over the keys. An allowed attempt from a spaced-out address takes its turn now.
    public func admit(_ keys: [Key], at now: Date) async throws -> Verdict {
        try await records.update(keys, at: now) { records in
            var delay = Duration.zero
            var retryAfter: Duration?
            var turns: [(Key, Date)] = []
            for key in keys {
                let recent = Self.recent(records[key]?.failures ?? [], at: now)
                let extra = recent.count - key.freeFailures
                switch key {
                case .account, .deviceCodes:
                    if recent.count >= AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
                        let lockout = AuthPolicy.SignInThrottle.lockoutFailuresPerAccount
                        let freedAt = recent[recent.count - lockout].addingTimeInterval(AuthPolicy.SignInThrottle.window)
                        retryAfter = max(retryAfter ?? .zero, Self.seconds(until: freedAt, from: now))
                    } else if extra >= 0 {
                        delay = max(delay, Self.delay(afterExtraFailures: extra))
                    }
                case .address:
                    guard extra >= 0 else { continue }
                    let turn = max(now, records[key]?.nextTurn ?? now)
                    let wait = Duration.seconds(turn.timeIntervalSince(now))
                    if wait > AuthPolicy.SignInThrottle.maximumAddressWait {
                        retryAfter = max(retryAfter ?? .zero, Self.seconds(until: turn, from: now))
                    } else {
                        delay = max(delay, wait)
                        turns.append((key, turn.addingTimeInterval(Self.delay(afterExtraFailures: extra).timeInterval)))
                    }
                }
            }
            if let retryAfter { return .refuse(retryAfter: retryAfter) }
            for (key, next) in turns { records[key, default: Record()].nextTurn = next }
            return .allow(delay: delay)
        }
    }

    public func recordFailure(for keys: [Key], at now: Date) async throws {
        try await records.update(keys, at: now) { records in
            for key in keys {
                var record = records[key] ?? Record()
                record.failures = Array((Self.recent(record.failures, at: now) + [now]).suffix(key.remembered))
                records[key] = record
            }
        }
    }

    /// A right password clears the account's count; the address keeps its own.
    public func recordSuccess(for key: Key) async throws {
        try await records.forget(key)
    }

    static func recent(_ times: [Date], at now: Date) -> [Date] {
        times.filter { now.timeIntervalSince($0) < AuthPolicy.SignInThrottle.window }
    }

    /// Whole seconds, at least one, as Retry-After counts them.
    private static func seconds(until date: Date, from now: Date) -> Duration {
        .seconds(max(1, date.timeIntervalSince(now).rounded(.up)))
    }

    /// How many doublings take `firstDelay` to `maximumDelay`: past that, more failures change nothing.
    static let doublingsToMaximum: Int = {
        var delay = AuthPolicy.SignInThrottle.firstDelay
        var count = 0
        while delay < AuthPolicy.SignInThrottle.maximumDelay {
            delay *= 2
            count += 1
        }
        return count + 1
    }()

    private static func delay(afterExtraFailures extra: Int) -> Duration {
        let maximum = AuthPolicy.SignInThrottle.maximumDelay
        // 2^extra overflows nothing before the cap: stop doubling once past it.
        var delay = AuthPolicy.SignInThrottle.firstDelay
        for _ in 0..<extra where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}

extension Duration {
    /// The duration in seconds, as `Date` arithmetic takes it.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
