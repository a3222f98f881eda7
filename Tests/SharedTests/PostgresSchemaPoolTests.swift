import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing
import TestSupport

@testable import Shared

/// On the real PostgreSQL server Deploy/test starts.
@Suite("PostgresSchemaPool")
struct PostgresSchemaPoolTests {
    static let migrations = [
        PostgresMigration("v1: notes", ["CREATE TABLE note (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"]),
        PostgresMigration("v2: note authors", ["ALTER TABLE note ADD COLUMN author TEXT"]),
    ]

    @Test("tables land in the server's own schema, and queries name them without it")
    func ownSchema() async throws {
        try await TestPostgres.withDatabase("own", migrations: Self.migrations) { database in
            try await database.query("INSERT INTO note (body, author) VALUES ('first', 'ana')")
            let schemas = try await database.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'note'")
                .collect().map { try $0.decode(String.self) }
            #expect(schemas.contains(database.schema))
            #expect(!schemas.contains("public"))
        }
    }

    @Test("processes starting at once migrate once: the advisory lock makes the others wait, then find nothing to do")
    func concurrentMigrations() async throws {
        let location = try TestPostgres.location()
        let schema = TestPostgres.freshSchema("race")
        let databases = try await withThrowingTaskGroup(of: PostgresSchemaPool.self) { group in
            for _ in 0..<6 {
                group.addTask { try await PostgresSchemaPool.open(location: location, schema: schema, migrations: Self.migrations, maximumConnections: 2) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        defer { for database in databases { database.close() } }
        let applied = try await databases[0].query("SELECT id FROM schema_migration ORDER BY id").collect().map { try $0.decode(String.self) }
        #expect(applied == ["v1: notes", "v2: note authors"])
        try await databases[0].query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
    }

    @Test("a server's pool opens its connections at once and keeps them, a command's opens what it uses; each asks for TCP keepalives")
    func connectionsKeptOpen() async throws {
        for keepsConnectionsOpen in [true, false] {
            let name = "pool_" + UUID().uuidString.lowercased().prefix(8)
            var location = try TestPostgres.location(applicationName: name)
            location.connections = 3
            let schema = TestPostgres.freshSchema("kept")
            let pool = try await PostgresSchemaPool.open(location: location, schema: schema, migrations: Self.migrations, keepsConnectionsOpen: keepsConnectionsOpen)
            defer { pool.close() }
            var open = 0
            // A server's pool opens its connections in the background: waited for, up to five seconds.
            for _ in 0..<(keepsConnectionsOpen ? 50 : 1) {
                open = try await pool.query("SELECT count(*)::int FROM pg_stat_activity WHERE application_name = \(name)").collect()[0].decode(Int.self)
                if open == 3 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(open == (keepsConnectionsOpen ? 3 : 1))
            // Over TCP, as the test server listens; PostgreSQL reports 0 on a Unix socket.
            #expect(try await pool.query("SHOW tcp_keepalives_idle").collect().map { try $0.decode(String.self) } == ["60"])
            try await pool.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
        }
    }

    final class Messages: Sendable {
        let all = Mutex<[String]>([])
    }

    /// Every message logged through it, at any level.
    struct Recorder: LogHandler {
        let messages: Messages
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            messages.all.withLock { $0.append(event.message.description) }
        }
    }

    @Test("the first query after open waits for the pool to run: postgres-nio never warns that run() was not called")
    func firstQueryAfterOpen() async throws {
        let location = try TestPostgres.location()
        let schema = TestPostgres.freshSchema("first")
        let messages = Messages()
        let logger = Logger(label: "test") { _ in Recorder(messages: messages) }
        for _ in 0..<20 {
            let database = try await PostgresSchemaPool.open(location: location, schema: schema, migrations: [], maximumConnections: 1, logger: logger)
            defer { database.close() }
            try await database.query("SELECT 1")
        }
        let warned = messages.all.withLock { $0.filter { $0.contains("run()") } }
        #expect(warned.isEmpty, "\(warned)")
        let cleaner = try await PostgresSchemaPool.open(location: location, schema: schema, migrations: [])
        defer { cleaner.close() }
        try await cleaner.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
    }

    @Test("a failing step leaves nothing half-applied, and the next start applies it once fixed")
    func failedMigration() async throws {
        let location = try TestPostgres.location()
        let schema = TestPostgres.freshSchema("fail")
        let broken = Self.migrations + [PostgresMigration("v3: tags", ["CREATE TABLE tag (name TEXT)", "CREATE TABLE tag (name TEXT)"])]
        await #expect(throws: (any Error).self) {
            try await PostgresSchemaPool.open(location: location, schema: schema, migrations: broken)
        }
        let fixed = Self.migrations + [PostgresMigration("v3: tags", ["CREATE TABLE tag (name TEXT)"])]
        let database = try await PostgresSchemaPool.open(location: location, schema: schema, migrations: fixed)
        defer { database.close() }
        let applied = try await database.query("SELECT count(*) FROM schema_migration").collect().map { try $0.decode(Int.self) }
        #expect(applied == [3])
        try await database.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
    }

    @Test("a transaction commits when its body returns and leaves nothing when it throws")
    func transactions() async throws {
        struct Refused: Error {}
        try await TestPostgres.withDatabase("tx", migrations: Self.migrations) { database in
            try await database.transaction { connection in
                try await connection.query("INSERT INTO note (body) VALUES ('kept')", logger: database.logger)
            }
            await #expect(throws: Refused.self) {
                try await database.transaction { connection in
                    try await connection.query("INSERT INTO note (body) VALUES ('dropped')", logger: database.logger)
                    throw Refused()
                }
            }
            let bodies = try await database.query("SELECT body FROM note ORDER BY id").collect().map { try $0.decode(String.self) }
            #expect(bodies == ["kept"])
        }
    }

    @Test("/metrics shows the pool: its size, the operations under way (none once they are over), how long they took")
    func poolMetrics() async throws {
        try await TestPostgres.withDatabase("metrics", migrations: Self.migrations) { database in
            try await database.transaction { connection in
                try await connection.query("INSERT INTO note (body) VALUES ('counted')", logger: database.logger)
            }
            _ = try await database.query("SELECT count(*) FROM note").collect()
            let text = String(decoding: ProcessMetrics.registry.emitToBuffer(), as: UTF8.self)
            let schema = database.schema
            #expect(text.contains(#"gatehouse_database_pool_connections{schema="\#(schema)"} 8"#), "\(text)")
            #expect(text.contains(#"gatehouse_database_operations_in_flight{schema="\#(schema)"} 0"#))
            let count = text.split(separator: "\n").first { $0.hasPrefix(#"gatehouse_database_operation_duration_seconds_count{schema="\#(schema)"}"#) }
            #expect(count.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } == 2, "one transaction and one query")
        }
    }

    @Test("a wrong password is refused by the server, and the error does not carry it")
    func wrongPassword() async throws {
        var location = try TestPostgres.location()
        location.password = "not-the-password-\(UUID())"
        let password = location.password!
        do {
            let database = try await PostgresSchemaPool.open(location: location, schema: TestPostgres.freshSchema("pw"), migrations: [])
            database.close()
            Issue.record("connected with a wrong password")
        } catch {
            #expect(!String(reflecting: error).contains(password))
        }
    }
}
