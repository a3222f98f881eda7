import Foundation
import GRDB
import ServiceDesk
import Shared

/// The embedded store: `resource.sqlite` in the data folder, WAL mode.
public struct SQLiteResourceStorage: ResourceStorage {
    let database: SQLiteDatabase
    /// The service desk in the same database file.
    public let serviceDesk: SQLiteServiceDeskStore

    public init(path: String) throws {
        database = try SQLiteDatabase(path: path, migrator: Self.migrator, workload: .searches)
        serviceDesk = SQLiteServiceDeskStore(database: database)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: tenants") { db in
            try TenantTable.create(db, uniqueColumn: "resource")
        }
        ServiceDeskSchema.registerMigrations(in: &migrator)
        // Only switches that were set are stored: a module without a row is on.
        migrator.registerMigration("rs1: feature switches") { db in
            try db.execute(sql: """
                CREATE TABLE feature_switch (
                    tenant_id TEXT NOT NULL REFERENCES tenant(id),
                    module TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL,
                    PRIMARY KEY (tenant_id, module)
                )
                """)
        }
        // Kept as the auth-server last listed it; a tenant it no longer lists is not served whatever this says.
        migrator.registerMigration("rs2: tenants can be disabled") { db in
            try TenantTable.addDisabledAt(db)
        }
        return migrator
    }

    public func allTenants() async throws -> [Tenant] {
        try await database.isolatedRead { db in try TenantTable.all(db) }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.isolatedWrite { db in try TenantTable.save(tenant, in: db) }
    }
}

extension SQLiteResourceStorage {
    /// A module this build does not know (stored by a later one) is ignored.
    public func switchedOffModules(tenantID: String) async throws -> Set<ToolModule> {
        try await database.isolatedRead { db in
            let names = try String.fetchAll(
                db.cachedStatement(sql: "SELECT module FROM feature_switch WHERE tenant_id = ? AND NOT enabled"), arguments: [tenantID])
            return Set(names.compactMap(ToolModule.init(rawValue:)))
        }
    }

    public func setFeatures(_ changes: [ToolModule: Bool], tenantID: String) async throws {
        try await database.isolatedWrite { db in
            for (module, enabled) in changes {
                try db.execute(
                    sql: """
                        INSERT INTO feature_switch (tenant_id, module, enabled) VALUES (?, ?, ?)
                        ON CONFLICT (tenant_id, module) DO UPDATE SET enabled = excluded.enabled
                        """,
                    arguments: [tenantID, module.rawValue, enabled])
            }
        }
    }
}
