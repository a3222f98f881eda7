import Foundation
import GRDB

/// The `tenant` table both servers keep in their own databases: one SQL for reading and saving it.
/// (`disabled_at` came later: `addDisabledAt` is each server's migration for it.)
public enum TenantTable {
    public static func create(_ db: Database, uniqueColumn: String) throws {
        try db.create(table: "tenant") { t in
            t.primaryKey("id", .text)
            t.column("issuer", .text).notNull()
            t.column("resource", .text).notNull()
            t.column("created_at", .datetime).notNull()
            t.uniqueKey([uniqueColumn])
        }
    }

    public static func addDisabledAt(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE tenant ADD COLUMN disabled_at DATETIME")
    }

    public static func all(_ db: Database) throws -> [Tenant] {
        try TenantRow.fetchAll(db, sql: "SELECT id, issuer, resource, disabled_at FROM tenant ORDER BY created_at, id").map(\.model)
    }

    /// Disables the tenant at `at`, or enables it when `at` is nil; false when there is no such tenant or it
    /// already was in that state.
    public static func setDisabled(_ tenantID: String, at: Date?, in db: Database) throws -> Bool {
        try db.execute(
            sql: "UPDATE tenant SET disabled_at = ? WHERE id = ? AND (disabled_at IS NULL) = ?", arguments: [at, tenantID, at != nil])
        return db.changesCount > 0
    }

    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    public static func save(_ tenant: Tenant, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO tenant (id, issuer, resource, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET issuer = excluded.issuer, resource = excluded.resource
                """,
            arguments: [tenant.id, tenant.issuer, tenant.resource, Date()]
        )
    }
}
