import Foundation
import Logging
import PostgresNIO

/// One step of a schema's history: statements run in one transaction, recorded by `id` once applied.
/// Steps are only ever appended; a released step is never edited.
public struct PostgresMigration: Sendable {
    public let id: String
    public let statements: [String]

    public init(_ id: String, _ statements: [String]) {
        self.id = id
        self.statements = statements
    }
}

/// Applies the steps a schema lacks, in order, while holding a session-level advisory lock named after the
/// schema: two processes starting at once both wait for the lock, the first migrates, the second finds
/// nothing left to do (PostgreSQL documentation § 13.3.5 Advisory Locks).
struct PostgresMigrator {
    let schema: String
    let migrations: [PostgresMigration]
    let logger: Logger

    /// On a connection of its own, closed at the end: the lock is the session's and goes with it even when
    /// this process dies mid-migration.
    func migrate(_ configuration: PostgresConnection.Configuration) async throws {
        precondition(Set(migrations.map(\.id)).count == migrations.count, "migration ids are unique")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        let lockName = "gatehouse migrations " + schema
        do {
            try await connection.query("SELECT pg_advisory_lock(hashtext(\(lockName)))", logger: logger)
            try await apply(on: connection, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private func apply(on connection: PostgresConnection, logger: Logger) async throws {
        let quoted = PostgresSchemaPool.quoted(schema)
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(quoted)"), logger: logger)
        try await connection.query(
            PostgresQuery(
                unsafeSQL: "CREATE TABLE IF NOT EXISTS \(quoted).schema_migration (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            ), logger: logger)
        var applied = Set<String>()
        for try await id in try await connection.query(PostgresQuery(unsafeSQL: "SELECT id FROM \(quoted).schema_migration"), logger: logger)
            .decode(String.self)
        {
            applied.insert(id)
        }
        for migration in migrations where !applied.contains(migration.id) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    PostgresQuery(unsafeSQL: "INSERT INTO \(quoted).schema_migration (id) VALUES ($1)", binds: Self.binds(migration.id)), logger: logger)
            }
            logger.info("applied migration", metadata: ["schema": "\(schema)", "migration": "\(migration.id)"])
        }
    }

    private static func binds(_ value: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }
}
