import Foundation
import GRDB
import Shared

/// What the resource-server stores, behind a protocol so PostgreSQL can follow. Tool data (tickets,
/// alerts, …) joins this store with the service-desk tools; every table carries its tenant.
public protocol ResourceStorage: Sendable {
    func allTenants() async throws -> [Tenant]
    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    func saveTenant(_ tenant: Tenant) async throws
}

/// The embedded store: `resource.sqlite` in the data folder, WAL mode.
public struct SQLiteResourceStorage: ResourceStorage {
    let database: DatabasePool

    public init(path: String) throws {
        database = try SQLiteDatabase.open(path: path, migrator: Self.migrator)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tenants") { db in
            try db.create(table: "tenant") { t in
                t.primaryKey("id", .text)
                t.column("issuer", .text).notNull()
                t.column("resource", .text).notNull().unique()
                t.column("created_at", .datetime).notNull()
            }
        }
        return migrator
    }

    public func allTenants() async throws -> [Tenant] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, issuer, resource FROM tenant ORDER BY created_at, id").map {
                Tenant(id: $0["id"], issuer: $0["issuer"], resource: $0["resource"])
            }
        }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO tenant (id, issuer, resource, created_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET issuer = excluded.issuer, resource = excluded.resource
                    """,
                arguments: [tenant.id, tenant.issuer, tenant.resource, Date()]
            )
        }
    }
}
