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
            try TenantTable.create(db, uniqueColumn: "resource")
        }
        return migrator
    }

    public func allTenants() async throws -> [Tenant] {
        try await database.read { db in try TenantTable.all(db) }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.write { db in try TenantTable.save(tenant, in: db) }
    }
}
