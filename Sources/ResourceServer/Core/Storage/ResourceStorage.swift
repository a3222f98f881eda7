import Foundation
import GRDB
import ServiceDesk
import Shared

/// What the resource-server stores, behind a protocol so PostgreSQL can follow. The service desk's data
/// lives in the same database behind `ServiceDeskStore`; every table carries its tenant.
public protocol ResourceStorage: Sendable {
    func allTenants() async throws -> [Tenant]
    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    func saveTenant(_ tenant: Tenant) async throws
}

/// The embedded store: `resource.sqlite` in the data folder, WAL mode.
public struct SQLiteResourceStorage: ResourceStorage {
    let database: DatabasePool
    /// The service desk in the same database file.
    public let serviceDesk: SQLiteServiceDeskStore

    public init(path: String) throws {
        database = try SQLiteDatabase.open(path: path, migrator: Self.migrator)
        serviceDesk = SQLiteServiceDeskStore(database: database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tenants") { db in
            try TenantTable.create(db, uniqueColumn: "resource")
        }
        ServiceDeskSchema.registerMigrations(in: &migrator)
        return migrator
    }

    public func allTenants() async throws -> [Tenant] {
        try await database.read { db in try TenantTable.all(db) }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.write { db in try TenantTable.save(tenant, in: db) }
    }
}
