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

    public func insertUser(_ user: User) async throws {
        do {
            try await database.write { db in
                try db.execute(
                    cached: """
                        INSERT INTO user (tenant_id, id, email, password_hash, role, company_id, created_at, may_connect)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [user.tenantID, user.id, user.email, user.passwordHash, user.role.rawValue, user.companyID, user.createdAt, user.mayConnect]
                )
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AuthStorageError.duplicateEmail
        }
    }

    public func user(tenantID: String, email: String) async throws -> User? {
        try await database.read { db in
            try Row.fetchOne(
                db, cached: "SELECT * FROM user WHERE tenant_id = ? AND email = ?", arguments: [tenantID, User.normalise(email: email)]
            ).map(Self.user(from:))
        }
    }

    public func user(tenantID: String, id: String) async throws -> User? {
        try await database.read { db in
            try Row.fetchOne(db, cached: "SELECT * FROM user WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id]).map(Self.user(from:))
        }
    }

    public func updatePasswordHash(tenantID: String, userID: String, passwordHash: String) async throws -> Bool {
        try await database.write { db in
            try db.execute(cached: "UPDATE user SET password_hash = ? WHERE tenant_id = ? AND id = ?", arguments: [passwordHash, tenantID, userID])
            return db.changesCount > 0
        }
    }

    public func users(tenantID: String) async throws -> [User] {
        try await database.read { db in
            try Row.fetchAll(db, cached: "SELECT * FROM user WHERE tenant_id = ? ORDER BY email", arguments: [tenantID]).map(Self.user(from:))
        }
    }

    public func setUserRole(tenantID: String, userID: String, role: Role, companyID: String?, at: Date) async throws -> Int? {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE user SET role = ?, company_id = ? WHERE tenant_id = ? AND id = ?",
                arguments: [role.rawValue, companyID, tenantID, userID])
            guard db.changesCount == 1 else { return nil }
            return try Self.revokeGrants(db, tenantID: tenantID, where: "user_id = ?", [userID], reason: "role changed", at: at)
        }
    }

    private static func user(from row: Row) throws -> User {
        // An unknown role is a corrupt row: refuse it rather than guess a level of access.
        guard let role = Role(rawValue: row["role"]) else { throw AuthStorageError.corruptRow("user.role") }
        return User(
            tenantID: row["tenant_id"], id: row["id"], email: row["email"], passwordHash: row["password_hash"],
            role: role, companyID: row["company_id"], createdAt: row["created_at"], disabledAt: row["disabled_at"],
            mayConnect: row["may_connect"]
        )
    }
}
