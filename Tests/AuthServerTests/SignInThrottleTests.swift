import Foundation
import Shared
import TestSupport
import Testing

@testable import AuthServerCore

/// The sign-in throttle's schedule, the same whether its records are in memory or in PostgreSQL
/// (`SignInThrottleRecords`), and shared by every auth-server on one database.
@Suite("Sign-in throttle")
struct SignInThrottleTests {
    enum Engine: String, CaseIterable, Sendable {
        case memory, postgres

        func run(_ body: (SignInThrottle) async throws -> Void) async throws {
            switch self {
            case .memory: try await body(SignInThrottle())
            case .postgres:
                try await TestPostgres.withDatabase("throttle", migrations: [PostgresMigration("throttle", PostgresSignInRecords.tables)]) { pool in
                    try await body(SignInThrottle(counting: .shared(pool)))
                }
            }
        }
    }

    @Test("free failures, doubling delays up to the cap, then refusal until the window moves on", arguments: Engine.allCases)
    func schedule(engine: Engine) async throws {
        try await engine.run { throttle in
        let key = SignInThrottle.Key.account(tenantID: "t", rawEmail: "Alice@Example.com ")
        #expect(key == .account(tenantID: "t", email: "alice@example.com"))
        let start = Date(timeIntervalSince1970: 1_000_000)
        var verdicts: [SignInThrottle.Verdict] = []
        for index in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
            let now = start.addingTimeInterval(Double(index))
            verdicts.append(try await throttle.admit([key], at: now))
            try await throttle.recordFailure(for: [key], at: now)
        }
        #expect(verdicts == [
            .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero),
            .allow(delay: .seconds(1)), .allow(delay: .seconds(2)), .allow(delay: .seconds(4)), .allow(delay: .seconds(8)),
            .allow(delay: .seconds(8)),
        ])
        // Locked until the first failure is a window old.
        #expect(try await throttle.admit([key], at: start.addingTimeInterval(10)) == .refuse(retryAfter: .seconds(890)))
        #expect(try await throttle.admit([key], at: start.addingTimeInterval(899)) == .refuse(retryAfter: .seconds(1)))
        #expect(try await throttle.admit([key], at: start.addingTimeInterval(900)) == .allow(delay: .seconds(8)))
        #expect(try await throttle.admit([key], at: start.addingTimeInterval(2000)) == .allow(delay: .zero))
        // Another account and another tenant's same email are counted apart.
        #expect(try await throttle.admit([.account(tenantID: "t", email: "bob@example.com")], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
        #expect(try await throttle.admit([.account(tenantID: "u", email: "alice@example.com")], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
        // A success clears the account.
        try await throttle.recordSuccess(for: key)
        #expect(try await throttle.admit([key], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
    }
    }

    @Test("an address gets more room than an account, and the strictest key wins", arguments: Engine.allCases)
    func addresses(engine: Engine) async throws {
        try await engine.run { throttle in
        let now = Date(timeIntervalSince1970: 1_000_000)
        let office = SignInThrottle.Key.client(ClientAddress(IPAddress("203.0.113.7")!))
        for index in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAddress {
            try await throttle.recordFailure(for: [.account(tenantID: "t", email: "user\(index)@example.com"), office], at: now)
        }
        let fresh: SignInThrottle.Key = .account(tenantID: "t", email: "new@example.com")
        let locked: SignInThrottle.Key = .account(tenantID: "t", email: "user0@example.com")
        for _ in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount { try await throttle.recordFailure(for: [locked], at: now) }
        #expect(try await throttle.admit([fresh, .client(ClientAddress(IPAddress("198.51.100.1")!))], at: now) == .allow(delay: .zero))
        #expect(try await throttle.admit([fresh, .client(nil)], at: now) == .allow(delay: .zero))
        #expect(try await throttle.admit([locked, office], at: now) == .refuse(retryAfter: .seconds(900)), "the locked account wins")
        #expect(try await throttle.admit([fresh, office], at: now) == .allow(delay: .zero), "a refused attempt took no turn")
        #expect(try await throttle.admit([fresh, office], at: now) == .allow(delay: .seconds(1)))
    }
    }

    @Test("an address past its free failures is spaced out, however many attempts arrive at once, and never locked", arguments: Engine.allCases)
    func spacesAddresses(engine: Engine) async throws {
        try await engine.run { throttle in
        let start = Date(timeIntervalSince1970: 1_000_000)
        let office = SignInThrottle.Key.client(ClientAddress(IPAddress("2001:db8:5:6::1")!))
        let sameSubnet = SignInThrottle.Key.client(ClientAddress(IPAddress("2001:db8:5:6:ffff::2")!))
        #expect(office == sameSubnet, "an IPv6 address counts by its /64")
        for _ in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAddress { try await throttle.recordFailure(for: [office], at: start) }
        // A burst at one instant: each attempt gets the next turn, a second apart, until the wait would pass the cap.
        let waitCap = Int(AuthPolicy.SignInThrottle.maximumAddressWait.components.seconds)
        var burst: [SignInThrottle.Verdict] = []
        for _ in 0...waitCap { burst.append(try await throttle.admit([office], at: start)) }
        #expect(burst == (0...waitCap).map { .allow(delay: .seconds($0)) })
        #expect(try await throttle.admit([office], at: start) == .refuse(retryAfter: .seconds(waitCap + 1)))
        // Seconds later, not a window later, the address is let in again.
        #expect(try await throttle.admit([office], at: start.addingTimeInterval(Double(waitCap + 1))) == .allow(delay: .zero))
        // More failures space turns further apart, up to the longest delay.
        for _ in 0..<10 { try await throttle.recordFailure(for: [office], at: start.addingTimeInterval(100)) }
        #expect(try await throttle.admit([office], at: start.addingTimeInterval(200)) == .allow(delay: .zero))
        #expect(try await throttle.admit([office], at: start.addingTimeInterval(200)) == .allow(delay: AuthPolicy.SignInThrottle.maximumDelay))
        // Once the failures leave the window, nothing is held against the address.
        let later = start.addingTimeInterval(100 + AuthPolicy.SignInThrottle.window)
        #expect(try await throttle.admit([office], at: later) == .allow(delay: .zero))
        #expect(try await throttle.admit([office], at: later) == .allow(delay: .zero))
    }
    }

    @Test("in memory it is bounded: past the key limit the stalest keys are forgotten")
    func bounded() async throws {
        let throttle = SignInThrottle(maximumTrackedKeys: 8)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first: SignInThrottle.Key = .account(tenantID: "t", email: "first@example.com")
        for _ in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAccount { try await throttle.recordFailure(for: [first], at: start) }
        #expect(try await throttle.admit([first], at: start) == .allow(delay: .seconds(1)))
        for index in 0..<8 { try await throttle.recordFailure(for: [.address("192.0.2.\(index + 2)")], at: start.addingTimeInterval(1)) }
        #expect(try await throttle.admit([first], at: start.addingTimeInterval(1)) == .allow(delay: .zero), "the stalest key made room")
    }

    @Test("on PostgreSQL two auth-servers count the same failures and hand out turns one after the other")
    func shared() async throws {
        try await TestPostgres.withDatabase("throttle-shared", migrations: [PostgresMigration("throttle", PostgresSignInRecords.tables)]) { pool in
            let first = SignInThrottle(counting: .shared(pool))
            let second = SignInThrottle(counting: .shared(pool))
            let start = Date(timeIntervalSince1970: 1_000_000)
            let account = SignInThrottle.Key.account(tenantID: "t", email: "alice@example.com")
            for index in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
                try await (index.isMultiple(of: 2) ? first : second).recordFailure(for: [account], at: start)
            }
            #expect(try await first.admit([account], at: start) == .refuse(retryAfter: .seconds(900)), "locked by failures counted on both")
            #expect(try await second.admit([account], at: start) == .refuse(retryAfter: .seconds(900)))
            try await second.recordSuccess(for: account)
            #expect(try await first.admit([account], at: start) == .allow(delay: .zero), "a success at one clears it at the other")

            let office = SignInThrottle.Key.address("203.0.113.7")
            for _ in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAddress { try await first.recordFailure(for: [office], at: start) }
            // Twenty attempts at once, half at each server: each gets its own turn, none the same.
            let verdicts = try await withThrowingTaskGroup(of: SignInThrottle.Verdict.self) { group in
                for index in 0..<20 { group.addTask { try await (index.isMultiple(of: 2) ? first : second).admit([office], at: start) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let delays = verdicts.compactMap { verdict -> Duration? in if case .allow(let delay) = verdict { delay } else { nil } }
            #expect(Set(delays).count == delays.count, "no two attempts got the same turn: \(delays)")
            #expect(delays.count == 20)
        }
    }
}
