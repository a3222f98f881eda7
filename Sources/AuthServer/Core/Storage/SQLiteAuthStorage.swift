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
            try Row.fetchAll(db, cached: "SELECT * FROM signing_key WHERE tenant_id = ? ORDER BY created_at DESC", arguments: [tenantID])
                .map { row in
                    StoredSigningKey(
                        tenantID: row["tenant_id"],
                        keyID: row["kid"],
                        publicKey: try JSONDecoder().decode(JSONWebKey.self, from: Data((row["public_jwk"] as String).utf8)),
                        sealedPrivateKey: row["sealed_private_key"],
                        createdAt: row["created_at"],
                        retiredAt: row["retired_at"],
                        publishUntil: row["publish_until"]
                    )
                }
        }
    }

    public func insertSigningKey(_ key: StoredSigningKey) async throws {
        let jwk = String(decoding: try JSONResponse.encoder.encode(key.publicKey), as: UTF8.self)
        try await database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO signing_key (tenant_id, kid, public_jwk, sealed_private_key, created_at, retired_at, publish_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [key.tenantID, key.keyID, jwk, key.sealedPrivateKey, key.createdAt, key.retiredAt, key.publishUntil]
            )
        }
    }

    public func retireSigningKeys(tenantID: String, except keptKeyID: String, at: Date, publishUntil: Date) async throws {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE signing_key SET retired_at = ?, publish_until = ?
                    WHERE tenant_id = ? AND kid != ? AND retired_at IS NULL
                    """, arguments: [at, publishUntil, tenantID, keptKeyID]
            )
        }
    }
}
