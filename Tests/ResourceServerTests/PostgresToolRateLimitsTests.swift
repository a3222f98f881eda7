import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
import ToolKit

/// The tool-call limits two resource-servers share through one PostgreSQL database, on the real server
/// Deploy/test starts: each test opens two pools on one schema, as two processes would.
@Suite("Tool-call limits shared through PostgreSQL")
struct PostgresToolRateLimitsTests {
    static let limits = ToolRateLimits.Limits(readsPerMinute: 3, writesPerMinute: 2)

    /// Two limiters on two pools of one schema.
    static func withTwoInstances(_ body: (PostgresToolRateLimits, PostgresToolRateLimits) async throws -> Void) async throws {
        try await TestPostgres.withDatabase("limits", migrations: PostgresResourceStorage.migrations) { first in
            let second = try await PostgresSchemaPool.open(
                location: try TestPostgres.location(), schema: first.schema, migrations: PostgresResourceStorage.migrations, maximumConnections: 4)
            defer { second.close() }
            try await body(PostgresToolRateLimits(limits: Self.limits, database: first), PostgresToolRateLimits(limits: Self.limits, database: second))
        }
    }

    @Test("two instances count against one allowance; a refusal says when the window ends and takes nothing")
    func sharedAllowance() async throws {
        try await Self.withTwoInstances { (a: PostgresToolRateLimits, b: PostgresToolRateLimits) async throws in
            let now = 6_000_000.0 + 15
            let caller = bareCaller("usr_1", grant: "g1")
            #expect(try await a.take(caller, kind: .read, now: now) == nil)
            #expect(try await b.take(caller, kind: .read, now: now) == nil)
            #expect(try await a.take(caller, kind: .read, now: now) == nil)
            #expect(try await b.take(caller, kind: .read, now: now) == 45, "the window ends 45 s later")
            #expect(try await a.take(caller, kind: .read, now: now + 44.5) == 1, "never 0")
            // Writes have their own allowance; high-trust tools count as writes.
            #expect(try await b.take(caller, kind: .write, now: now) == nil)
            #expect(try await a.take(caller, kind: .highTrust, now: now) == nil)
            #expect(try await b.take(caller, kind: .write, now: now) != nil)
            // Another grant of the same person is refused by the person's count, and that refusal took nothing
            // from the grant: another person on that grant still has the whole allowance.
            #expect(try await a.take(bareCaller("usr_1", grant: "g2"), kind: .read, now: now) != nil)
            for _ in 0..<3 { #expect(try await b.take(bareCaller("usr_2", grant: "g2"), kind: .read, now: now) == nil) }
            #expect(try await a.take(bareCaller("usr_2", grant: "g2"), kind: .read, now: now) != nil)
            // The next window starts afresh.
            #expect(try await b.take(caller, kind: .read, now: now + 45) == nil)
        }
    }

    @Test("calls racing on two instances are admitted exactly up to the allowance")
    func concurrentCalls() async throws {
        try await Self.withTwoInstances { (a: PostgresToolRateLimits, b: PostgresToolRateLimits) async throws in
            let now = 7_000_000.0
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<30 {
                    let limiter = index % 2 == 0 ? a : b
                    group.addTask { try await limiter.take(bareCaller("usr_race", grant: "g-race"), kind: .read, now: now) == nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == Self.limits.readsPerMinute)
        }
    }

    @Test("tenants count apart: the same grant id and subject in another tenant have their own allowance")
    func tenantsApart() async throws {
        try await Self.withTwoInstances { (a: PostgresToolRateLimits, b: PostgresToolRateLimits) async throws in
            let now = 8_000_000.0
            for _ in 0..<3 { #expect(try await a.take(bareCaller("usr_1", grant: "g1"), kind: .read, now: now) == nil) }
            var other = bareCaller("usr_1", grant: "g1").claims
            other.tenantID = "acme"
            #expect(try await b.take(Caller(claims: other, tokenKind: .accessToken), kind: .read, now: now) == nil)
        }
    }

    @Test("the counters' unsynced commit is their own: the connection's next statement commits durably again")
    func unsyncedCommitStaysLocal() async throws {
        try await TestPostgres.withDatabase("limits_sync", migrations: PostgresResourceStorage.migrations) { first in
            // One connection, so the statement after the count runs where the count ran.
            let single = try await PostgresSchemaPool.open(
                location: try TestPostgres.location(), schema: first.schema, migrations: PostgresResourceStorage.migrations, maximumConnections: 1)
            defer { single.close() }
            let limiter = PostgresToolRateLimits(limits: Self.limits, database: single)
            #expect(try await limiter.take(bareCaller("usr_1", grant: "g1"), kind: .read, now: 10_000_000) == nil)
            let setting = try await single.query("SHOW synchronous_commit").collect().map { try $0.decode(String.self) }
            #expect(setting == ["on"])
        }
    }

    @Test("windows before the previous one are cleared as time moves on")
    func clearsEndedWindows() async throws {
        try await TestPostgres.withDatabase("limits_clear", migrations: PostgresResourceStorage.migrations) { database in
            let limiter = PostgresToolRateLimits(limits: Self.limits, database: database)
            let caller = bareCaller("usr_1", grant: "g1")
            for minute in 0..<5 { #expect(try await limiter.take(caller, kind: .read, now: 9_000_000 + Double(minute * 60)) == nil) }
            let windows = try await database.query("SELECT DISTINCT window_start FROM tool_call_window ORDER BY window_start").collect()
                .map { try $0.decode(Int64.self) }
            #expect(windows == [9_000_180, 9_000_240])
        }
    }
}
