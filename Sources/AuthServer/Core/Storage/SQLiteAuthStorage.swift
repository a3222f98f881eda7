import Foundation
import GRDB
import Shared

/// The embedded store: one SQLite file (`auth.sqlite`) in the data folder, WAL mode, every answered write
/// on disk (`DurableDatabase`).
public struct SQLiteAuthStorage: AuthStorage {
    let database: DurableDatabase

    public init(path: String) throws {
        database = try DurableDatabase(path: path, migrator: AuthMigrations.migrator)
    }

    public func allTenants() async throws -> [Tenant] {
        try await database.read { db in try TenantTable.all(db) }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.write { db in try TenantTable.save(tenant, in: db) }
    }

    public func setTenantDisabled(tenantID: String, at: Date?) async throws -> Bool {
        try await database.write { db in try TenantTable.setDisabled(tenantID, at: at, in: db) }
    }

    public func signingKeys(tenantID: String) async throws -> [StoredSigningKey] {
        try await database.read { db in
            try SigningKeyRow.fetchAll(db, cached: "SELECT * FROM signing_key WHERE tenant_id = ? ORDER BY created_at DESC", arguments: [tenantID])
                .map { try $0.model() }
        }
    }

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        let row = try SigningKeyRow(key)
        try await database.write { db in try row.insert(db) }
    }

    public func rotateSigningKeys(to key: StoredSigningKey, retiringOthersAt: Date, publishUntil: Date, ledger: LedgerEntry) async throws {
        let row = try SigningKeyRow(key)
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE signing_key SET retired_at = ?, publish_until = ?
                    WHERE tenant_id = ? AND retired_at IS NULL
                    """, arguments: [retiringOthersAt, publishUntil, key.tenantID]
            )
            try row.insert(db)
            try Self.appendLedger(db, [ledger])
        }
    }
}
