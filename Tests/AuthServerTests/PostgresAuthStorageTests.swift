import Foundation
import PostgresNIO
import Synchronization
import Testing
import TestSupport

@testable import AuthServerCore
import Shared

/// The PostgreSQL store, on the server Deploy/test (or Deploy/with-postgres) starts: the storage contract the
/// SQLite store passes, each run in a fresh schema, plus what only several processes on one database show.
@Suite("PostgresAuthStorage")
struct PostgresAuthStorageTests {
    static func withStorage(_ body: (PostgresAuthStorage) async throws -> Void) async throws {
        try await TestPostgres.withDatabase("auth", migrations: PostgresAuthMigrations.all) { database in
            try await body(PostgresAuthStorage(database: database))
        }
    }

    @Test("storage contract", arguments: AuthStorageCheck.all)
    func contract(_ check: AuthStorageCheck) async throws {
        try await Self.withStorage { try await check.run($0) }
    }

    @Test("the migrations are recorded in the schema's own schema_migration, and every table is in the schema")
    func migrationsAreRecorded() async throws {
        try await Self.withStorage { storage async throws in
            let applied = try await storage.database.rows("SELECT id FROM schema_migration ORDER BY id").map { try $0.value("id") as String }
            #expect(applied == PostgresAuthMigrations.all.map(\.id))
            let tables = try await storage.database.rows(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = \(storage.database.schema) ORDER BY table_name"
            ).map { try $0.value("table_name") as String }
            let expected = SQLiteAuthStorageTests.tables.map { $0 == "user" ? "person" : $0 } + ["client_assertion", "schema_migration", "request_window", "sign_in_throttle"]
            #expect(tables == expected.sorted())
        }
    }

    /// A second store on the same schema: what another auth-server process sees.
    static func withSecondProcess(_ first: PostgresAuthStorage, _ body: (PostgresAuthStorage) async throws -> Void) async throws {
        let second = try await PostgresAuthStorage.open(location: TestPostgres.location(), schema: first.database.schema, maximumConnections: 4)
        defer { second.close() }
        try await body(second)
    }

    /// Waits for the observation's next call; false when none came within `limit`.
    static func nextCall(_ calls: AsyncStream<Void>, within limit: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await calls.first { _ in true } != nil }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    @Test("an append by another process (another pool) wakes this one's observation within a second of its commit")
    func notificationAcrossProcesses() async throws {
        try await Self.withStorage { first async throws in
            try await first.saveTenant(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"))
            let calls = AsyncStream<Void>.makeStream()
            let observation = first.observeRevocationAppends { calls.continuation.yield() }
            defer { observation.cancel() }
            // The first call says it listens (and covers appends made before it did).
            #expect(await Self.nextCall(calls.stream, within: .seconds(30)))
            try await Self.withSecondProcess(first) { second async throws in
                let clock = ContinuousClock()
                try await second.appendRevocationEvent(tenantID: "a", kind: .user, subject: "usr_1")
                // Timed from the commit: the append's own round trips are the writer's cost, and on a machine running
                // every suite at once they alone can take a second.
                let committed = clock.now
                #expect(await Self.nextCall(calls.stream, within: .seconds(1)), "not woken within a second of the commit")
                #expect(clock.now - committed < .seconds(1))
            }
            #expect(try await first.latestRevocationSeq(tenantID: "a") == 1)
        }
    }

    @Test("a revocation stream's watch on PostgreSQL is woken by another process's append, not by its periodic check")
    func watchWakesAcrossProcesses() async throws {
        try await Self.withStorage { first async throws in
            try await first.saveTenant(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"))
            #expect(first.reportsEveryProcessesAppends)
            // A periodic check far longer than the wait: only the notification can end it early.
            let watch = RevocationLogWatch(storage: first, interval: .seconds(600))
            defer { watch.shutDown() }
            try await Self.withSecondProcess(first) { second async throws in
                let clock = ContinuousClock()
                // Give the listener a moment to start: its first call is the catch-up, not this append.
                try await Task.sleep(for: .milliseconds(300))
                let waited = try await clock.measure {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { await watch.wait(tenantID: "a", from: 0, seen: watch.appendsSoFar, timeout: .seconds(120)) }
                        try await Task.sleep(for: .milliseconds(100))
                        try await second.appendRevocationEvent(tenantID: "a", kind: .user, subject: "usr_1")
                        // Not woken: the time-out is only noticed by the (far) periodic check, so end the wait here.
                        let giveUp = Task {
                            try await Task.sleep(for: .seconds(30))
                            watch.shutDown()
                        }
                        try await group.waitForAll()
                        giveUp.cancel()
                    }
                }
                // Well under a second when the machine is idle; the bound is loose for one running every suite.
                #expect(waited < .seconds(30), "woken after \(waited)")
            }
        }
    }

    @Test("processes appending to one tenant's log at once number its events 1...n, none twice, none skipped")
    func concurrentAppends() async throws {
        try await Self.withStorage { first async throws in
            try await first.saveTenant(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"))
            try await Self.withSecondProcess(first) { second async throws in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in 0..<40 {
                        let store = index.isMultiple(of: 2) ? first : second
                        group.addTask { try await store.appendRevocationEvent(tenantID: "a", kind: .user, subject: "usr_\(index)") }
                    }
                    try await group.waitForAll()
                }
            }
            let events = try await first.revocationEvents(tenantID: "a", after: 0, limit: 100)
            #expect(events.map(\.seq) == Array(1...40))
            #expect(Set(events.map(\.subject)).count == 40)
            #expect(try await first.latestRevocationSeq(tenantID: "a") == 40)
        }
    }

    @Test("a follower paging the ledger by position gets every entry when two processes' appends commit out of order")
    func ledgerFollowerMissesNothing() async throws {
        try await Self.followerMissesNothing(
            append: { write, label in
                try await PostgresAuthStorage.appendLedger(write, [Ledger.entry(.clientRegistered, tenantID: "a", detail: label, at: Date())])
            },
            follow: { storage, position in
                try await storage.ledgerPage(tenantID: "a", matching: LedgerFilter(), after: position, limit: 100).map { ($0.position, $0.entry.detail ?? "") }
            })
    }

    @Test("a ledger follower waits for a transaction holding a position to end, while writers never wait for each other")
    func ledgerFollowerWaitsForHeldPositions() async throws {
        try await Self.withStorage { first async throws in
            try await first.saveTenant(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"))
            try await Self.withSecondProcess(first) { second async throws in
                let positionTaken = AsyncStream<Void>.makeStream()
                let release = AsyncStream<Void>.makeStream()
                let slow = Task {
                    try await first.database.transaction { connection in
                        let entry = Ledger.entry(.clientRegistered, tenantID: "a", detail: "slow", at: Date())
                        try await connection.query(PostgresAuthStorage.ledgerInsert(tenantID: "a", [LedgerRow(entry)]), logger: first.database.logger)
                        positionTaken.continuation.yield()
                        _ = await release.stream.first { _ in true }
                    }
                }
                _ = await positionTaken.stream.first { _ in true }
                let quick = Task { try await second.appendLedger([Ledger.entry(.clientRegistered, tenantID: "a", detail: "quick", at: Date())]) }
                try await Task.sleep(for: .milliseconds(300))
                let follower = Task { try await second.ledgerPage(tenantID: "a", matching: LedgerFilter(), after: 0, limit: 100).map { $0.entry.detail ?? "" } }
                try await Task.sleep(for: .milliseconds(300))
                // The quick one, whose position is the higher, committed while the slow one held its position.
                #expect(try await second.ledgerEntries(tenantID: "a", matching: LedgerFilter(), limit: 10).map(\.detail) == ["quick"])
                release.continuation.yield()
                try await slow.value
                try await quick.value
                #expect(try await follower.value == ["slow", "quick"], "the follower read past the slow one's position before it committed")
            }
        }
    }

    @Test("a follower paging the revocation log by position gets every event when two processes' appends commit out of order")
    func revocationFollowerMissesNothing() async throws {
        try await Self.followerMissesNothing(
            append: { write, label in try await PostgresAuthStorage.appendRevocationEvents(write, tenantID: "a", kind: .user, subjects: [label]) },
            follow: { storage, position in try await storage.revocationEvents(tenantID: "a", after: position, limit: 100).map { ($0.seq, $0.subject) } })
    }

    /// Two processes' transactions interleaved: a slow one appends and stays open (waiting on a lock the test holds)
    /// while a quick one appends; a follower reads from the start; then the slow one commits, and the follower reads on
    /// after the last position it saw. Between them the two reads must hold both appends.
    static func followerMissesNothing(
        append: @escaping @Sendable (PostgresWrite, String) async throws -> Void,
        follow: @escaping @Sendable (PostgresAuthStorage, Int64) async throws -> [(position: Int64, label: String)]
    ) async throws {
        try await withStorage { first async throws in
            try await first.saveTenant(Tenant(id: "a", issuer: "https://a.example", resource: "https://a.example/mcp"))
            try await withSecondProcess(first) { second async throws in
                let gateHeld = AsyncStream<Void>.makeStream()
                let gateOpen = AsyncStream<Void>.makeStream()
                let gate = Task {
                    try await second.database.transaction { connection in
                        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('test gate'))", logger: second.database.logger)
                        gateHeld.continuation.yield()
                        _ = await gateOpen.stream.first { _ in true }
                    }
                }
                _ = await gateHeld.stream.first { _ in true }
                let slow = Task {
                    try await first.database.write { write in
                        try await append(write, "slow")
                        try await write.rows("SELECT pg_advisory_xact_lock(hashtext('test gate'))")
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                // Commits now, or (where positions are handed out in commit order) waits for the slow one.
                let quick = Task { try await second.database.write { write in try await append(write, "quick") } }
                try await Task.sleep(for: .milliseconds(500))
                let seen = try await follow(second, 0)
                gateOpen.continuation.yield()
                try await gate.value
                try await slow.value
                try await quick.value
                let later = try await follow(second, seen.last?.position ?? 0)
                #expect((seen + later).map(\.label).sorted() == ["quick", "slow"], "seen \(seen.map(\.label)), then \(later.map(\.label))")
            }
        }
    }

    @Test("GATEHOUSE_DATABASE_URL: unset or empty is SQLite; a postgres URL is read as libpq reads it; a bad one is refused without its password; GATEHOUSE_DATABASE_CONNECTIONS sizes the pool")
    func setting() throws {
        #expect(try AuthServerSettings.load(environment: [:]).database == nil)
        #expect(try AuthServerSettings.load(environment: ["GATEHOUSE_DATABASE_URL": ""]).database == nil)
        let location = try AuthServerSettings.load(environment: ["GATEHOUSE_DATABASE_URL": "postgres://gh:s3cret@db.example:6432/auth?sslmode=verify-full"]).database
        #expect(location?.endpoint == .tcp(host: "db.example", port: 6432) && location?.tlsMode == .verifyFull && location?.password == "s3cret")
        #expect(location?.connections == 20)
        let sized = ["GATEHOUSE_DATABASE_URL": "postgres://gh@db.example/auth", "GATEHOUSE_DATABASE_CONNECTIONS": "6"]
        #expect(try AuthServerSettings.load(environment: sized).database?.connections == 6)
        let tooFew = #expect(throws: ConfigurationError.self) {
            try AuthServerSettings.load(environment: sized.merging(["GATEHOUSE_DATABASE_CONNECTIONS": "1"]) { $1 })
        }
        #expect(tooFew?.setting == "GATEHOUSE_DATABASE_CONNECTIONS")
        let error = #expect(throws: ConfigurationError.self) {
            try AuthServerSettings.load(environment: ["GATEHOUSE_DATABASE_URL": "postgres://gh:s3cret@db.example/auth?sslmode=maybe"])
        }
        #expect(error?.setting == "GATEHOUSE_DATABASE_URL" && error?.description.contains("s3cret") == false)
    }

    @Test("with GATEHOUSE_DATABASE_URL the auth-server opens PostgreSQL (schema gatehouse_auth) and keeps only the key file in the data folder")
    func environmentOnPostgres() async throws {
        let directory = try TemporaryDirectory(creating: false)
        defer { directory.remove() }
        var settings = AuthServerEnvironmentTests.settings(directory, issuer: "http://127.0.0.1:9000")
        settings.database = try TestPostgres.location()
        // The schema is fixed: start from none, whatever an earlier run left.
        let cleaner = try await PostgresSchemaPool.open(location: TestPostgres.location(), schema: "gatehouse_auth", migrations: [])
        try await cleaner.rows("DROP SCHEMA gatehouse_auth CASCADE")
        cleaner.close()
        let environment = try await AuthServerEnvironment.open(settings, reconcile: true)
        let storage = try #require(environment.storage as? PostgresAuthStorage)
        defer { storage.close() }
        #expect(storage.database.schema == "gatehouse_auth")
        #expect(FileManager.default.fileExists(atPath: directory.file(KeyEncryptionKey.fileName)))
        #expect(!FileManager.default.fileExists(atPath: directory.file(AuthServerEnvironment.databaseFileName)))
        #expect(try await environment.tenant().issuer == "http://127.0.0.1:9000")
        #expect(try await environment.keyRing.activeSigner(tenantID: Tenant.defaultID).keyID.isEmpty == false)
        #expect(environment.clientAssertionReplayStore() is PostgresClientAssertionReplayStore)
        try await storage.database.rows("DROP SCHEMA gatehouse_auth CASCADE")
    }

    @Test("a PostgreSQL server that refuses the password stops the start with an error naming the setting, not the password")
    func unreachableDatabase() async throws {
        let directory = try TemporaryDirectory(creating: false)
        defer { directory.remove() }
        var settings = AuthServerEnvironmentTests.settings(directory, issuer: "http://127.0.0.1:9000")
        var location = try TestPostgres.location()
        location.password = "not-the-password-\(UUID())"
        settings.database = location
        let error = await #expect(throws: ConfigurationError.self) { try await AuthServerEnvironment.open(settings, reconcile: true) }
        #expect(error?.setting == "GATEHOUSE_DATABASE_URL")
        #expect(error?.description.contains(location.password!) == false)
        #expect(error?.description.contains(location.redacted) == true)
    }
}
