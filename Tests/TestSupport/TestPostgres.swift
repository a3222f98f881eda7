import Foundation
import PostgresNIO
import Shared

/// The PostgreSQL server the PostgreSQL suites run against: the one `Deploy/test` (or `Deploy/with-postgres`)
/// started, named by `GATEHOUSE_TEST_DATABASE_URL`. Without it those suites fail and say how to run them;
/// they are never skipped.
public enum TestPostgres {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "GATEHOUSE_TEST_DATABASE_URL is not set: run the PostgreSQL suites through Deploy/test or Deploy/with-postgres"
        }
    }

    /// `applicationName` names the connections, so that `pg_stat_activity` tells them from every other test's.
    public static func location(applicationName: String? = nil) throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["GATEHOUSE_TEST_DATABASE_URL"], !url.isEmpty else { throw NotConfigured() }
        return try PostgresLocation(url: url + (applicationName.map { (url.contains("?") ? "&" : "?") + "application_name=" + $0 } ?? ""))
    }

    /// A schema name no other test uses, so tests run side by side on one database.
    public static func freshSchema(_ label: String) -> String {
        let label = String(label.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return "test_\(label)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
    }

    /// Opens `migrations` in a fresh schema for `body`, then drops the schema.
    public static func withDatabase<T>(
        _ label: String, migrations: [PostgresMigration], _ body: (PostgresSchemaPool) async throws -> T
    ) async throws -> T {
        let location = try location()
        let schema = freshSchema(label)
        let database = try await PostgresSchemaPool.open(location: location, schema: schema, migrations: migrations, maximumConnections: 8)
        defer { database.close() }
        do {
            let result = try await body(database)
            try await dropSchema(schema, database)
            return result
        } catch {
            try? await dropSchema(schema, database)
            throw error
        }
    }

    private static func dropSchema(_ schema: String, _ database: PostgresSchemaPool) async throws {
        try await database.query(PostgresQuery(unsafeSQL: "DROP SCHEMA \"\(schema)\" CASCADE"))
    }
}
