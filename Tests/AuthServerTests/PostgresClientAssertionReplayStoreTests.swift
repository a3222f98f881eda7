import Foundation
import Testing
import TestSupport

@testable import AuthServerCore
import Shared

/// The `jti` store shared by auth-servers on one PostgreSQL database (RFC 7523 §3 item 7), on the server
/// Deploy/test starts.
@Suite("PostgresClientAssertionReplayStore")
struct PostgresClientAssertionReplayStoreTests {
    static func withStore(_ body: (PostgresClientAssertionReplayStore, PostgresSchemaPool) async throws -> Void) async throws {
        try await TestPostgres.withDatabase("replay", migrations: PostgresAuthMigrations.all) { database in
            try await body(PostgresClientAssertionReplayStore(database: database), database)
        }
    }

    @Test("contract: a jti is accepted once until it expires, then may be recorded again")
    func firstUseOnlyUntilExpiry() async throws {
        try await Self.withStore { store, _ in try await ReplayStoreContract.firstUseOnlyUntilExpiry(store) }
    }

    @Test("contract: jtis are per client, and the client/jti boundary cannot be shifted to collide")
    func keyedByClientAndTokenID() async throws {
        try await Self.withStore { store, _ in try await ReplayStoreContract.keyedByClientAndTokenID(store) }
    }

    @Test("an assertion recorded by one process is a replay at another, even when both try at once")
    func sharedAcrossProcesses() async throws {
        try await Self.withStore { first, database async throws in
            let other = try await PostgresSchemaPool.open(
                location: TestPostgres.location(), schema: database.schema, migrations: PostgresAuthMigrations.all, maximumConnections: 4)
            defer { other.close() }
            let second = PostgresClientAssertionReplayStore(database: other)
            let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask {
                        try await store.recordFirstUse(
                            clientID: "c", tokenID: "same", expiresAt: ReplayStoreContract.later, now: ReplayStoreContract.now)
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(accepted == 1)
        }
    }

    @Test("expired rows are swept, and only those")
    func sweep() async throws {
        try await Self.withStore { store, database async throws in
            let now = ReplayStoreContract.now
            #expect(try await store.recordFirstUse(clientID: "c", tokenID: "old", expiresAt: now.addingTimeInterval(10), now: now))
            #expect(try await store.recordFirstUse(clientID: "c", tokenID: "live", expiresAt: now.addingTimeInterval(600), now: now))
            // The first call swept (nothing yet); the next sweep is due a minute on.
            let later = now.addingTimeInterval(PostgresClientAssertionReplayStore.sweepInterval + 1)
            #expect(try await store.recordFirstUse(clientID: "c", tokenID: "new", expiresAt: later.addingTimeInterval(60), now: later))
            let left = try await database.rows("SELECT COUNT(*) AS n FROM client_assertion").first?.value("n") as Int?
            #expect(left == 2)
            #expect(try await store.recordFirstUse(clientID: "c", tokenID: "live", expiresAt: later.addingTimeInterval(60), now: later) == false)
        }
    }
}
