import Foundation
import GRDB
import Shared

/// SQLite implementation of `UserStore`.
extension SQLiteAuthStorage {
    public func insertUser(_ user: User, ledger: LedgerEntry?) async throws {
        do {
            try await database.write { db in
                try db.execute(
                    cached: """
                        INSERT INTO user (tenant_id, id, email, password_hash, role, company_id, created_at, may_connect)
                        VALUES (:tenant_id, :id, :email, :password_hash, :role, :company_id, :created_at, :may_connect)
                        """,
                    arguments: StatementArguments(try UserRow(user).databaseDictionary)
                )
                if let ledger { try Self.appendLedger(db, [ledger]) }
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AuthStorageError.duplicateEmail
        }
    }

    public func user(tenantID: String, email: String) async throws -> User? {
        try await database.read { db in
            try UserRow.fetchOne(
                db, cached: "SELECT * FROM user WHERE tenant_id = ? AND email = ?", arguments: [tenantID, User.normalise(email: email)]
            )?.model()
        }
    }

    public func user(tenantID: String, id: String) async throws -> User? {
        try await database.read { db in
            try UserRow.fetchOne(db, cached: "SELECT * FROM user WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])?.model()
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
            try UserRow.fetchAll(db, cached: "SELECT * FROM user WHERE tenant_id = ? ORDER BY email", arguments: [tenantID]).map { try $0.model() }
        }
    }

    public func setUserRole(tenantID: String, userID: String, role: Role, companyID: String?, at: Date, ledger: LedgerEntry) async throws -> Int? {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE user SET role = ?, company_id = ? WHERE tenant_id = ? AND id = ?",
                arguments: [role.rawValue, companyID, tenantID, userID])
            guard db.changesCount == 1 else { return nil }
            let ended = try Self.revokeGrants(db, tenantID: tenantID, where: "user_id = ?", [userID], reason: "role changed", at: at)
            try Self.appendLedger(db, [ledger])
            return ended
        }
    }
}
