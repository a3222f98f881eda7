import Foundation
import PostgresNIO
import Testing
import TestSupport

@testable import Shared

/// On the real PostgreSQL server Deploy/test starts.
@Suite("Statements each connection prepares once")
struct PostgresPreparedStatementsTests {
    static let migrations = [
        PostgresMigration("v1: notes", ["CREATE TABLE note (id BIGINT PRIMARY KEY, author TEXT NOT NULL, body TEXT NOT NULL)"])
    ]

    static let byAuthor = "SELECT note.* FROM note WHERE author = $1 ORDER BY id"

    static func query(_ sql: String, _ value: String) -> PostgresQuery {
        var binds = PostgresBindings()
        binds.append(value)
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    static func ids(_ rows: [PostgresRow]) throws -> [Int] { try rows.map { try $0.makeRandomAccess()["id"].decode(Int.self) } }

    /// The names this connection has prepared for `sql`, from PostgreSQL's own view of them.
    static func preparedNames(of sql: String, on connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT name FROM pg_prepared_statements WHERE statement = \(sql) ORDER BY name", logger: connection.logger)
            .collect().map { try $0.decode(String.self) }
    }

    @Test("a read answers as the unnamed statement does, for any value and past the fifth run, from one statement prepared once")
    func sameAnswers() async throws {
        try await TestPostgres.withDatabase("prepared", migrations: Self.migrations) { database in
            try await database.query("INSERT INTO note SELECT n, 'author ' || (n % 4), 'note ' || n FROM generate_series(1, 40) AS n")
            try await database.withConnection { connection in
                for run in 0..<12 {
                    let author = "author \(run % 5)"
                    let prepared = try await database.preparedRows(Self.query(Self.byAuthor, author), on: connection)
                    let unnamed = try await connection.query(Self.query(Self.byAuthor, author), logger: connection.logger).collect()
                    #expect(try Self.ids(prepared) == Self.ids(unnamed))
                    #expect(prepared.count == (run % 5 == 4 ? 0 : 10))
                }
                #expect(try await Self.preparedNames(of: Self.byAuthor, on: connection).count == 1)
            }
        }
    }

    @Test("a statement whose table gained a column (a newer server's migration) is prepared again and the read answers with it")
    func tableChanged() async throws {
        try await TestPostgres.withDatabase("prepared", migrations: Self.migrations) { database in
            try await database.query("INSERT INTO note VALUES (1, 'ana', 'first')")
            try await database.withConnection { connection in
                #expect(try await Self.ids(database.preparedRows(Self.query(Self.byAuthor, "ana"), on: connection)) == [1])
                try await connection.query("ALTER TABLE note ADD COLUMN tag TEXT NOT NULL DEFAULT 'none'", logger: connection.logger)
                let changed = try await database.preparedRows(Self.query(Self.byAuthor, "ana"), on: connection)
                #expect(try changed.map { try $0.makeRandomAccess()["tag"].decode(String.self) } == ["none"])
                // The next call prepares the text under a new name, beside the one that no longer fits.
                _ = try await database.preparedRows(Self.query(Self.byAuthor, "ana"), on: connection)
                #expect(try await Self.preparedNames(of: Self.byAuthor, on: connection).count == 2)
            }
        }
    }

    @Test("past its capacity a pool names no more texts, so they run unnamed and no connection holds more plans")
    func capacity() {
        let names = PostgresStatementNames(capacity: 2)
        let first = names.name(for: "SELECT 1")
        #expect(first != nil)
        #expect(names.name(for: "SELECT 1") == first)
        #expect(names.name(for: "SELECT 2") != nil)
        #expect(names.name(for: "SELECT 3") == nil)
        names.renameAll(after: "not one of its names")
        #expect(names.name(for: "SELECT 1") == first)
        names.renameAll(after: first!)
        #expect(names.name(for: "SELECT 1") != first)
    }
}
