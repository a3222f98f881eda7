import Foundation
import PostgresNIO
import Shared

/// People (`UserStore`) on PostgreSQL, in the `person` table.
extension PostgresAuthStorage {
    public func insertUser(_ user: User, ledger: LedgerEntry?) async throws {
        let row = UserRow(user)
        do {
            try await database.write { write in
                try await write.rows(
                    """
                    INSERT INTO person (tenant_id, id, email, password_hash, role, company_id, created_at, may_connect)
                    VALUES (\(row.tenantID), \(row.id), \(row.email), \(row.passwordHash), \(row.role), \(row.companyID), \(row.createdAt),
                        \(row.mayConnect))
                    """)
                if let ledger { try await Self.appendLedger(write, [ledger]) }
            }
        } catch let error where Self.isUniqueViolation(error, of: "person_tenant_id_email_key") {
            throw AuthStorageError.duplicateEmail
        }
    }

    public func user(tenantID: String, email: String) async throws -> User? {
        try await database.rows("SELECT * FROM person WHERE tenant_id = \(tenantID) AND email = \(User.normalise(email: email))")
            .first?.record(UserRow.self).model()
    }

    public func user(tenantID: String, id: String) async throws -> User? {
        try await database.preparedRecords("SELECT * FROM person WHERE tenant_id = \(tenantID) AND id = \(id)").first?.record(UserRow.self).model()
    }

    public func updatePasswordHash(tenantID: String, userID: String, passwordHash: String) async throws -> Bool {
        try await !database.rows(
            "UPDATE person SET password_hash = \(passwordHash) WHERE tenant_id = \(tenantID) AND id = \(userID) RETURNING 1"
        ).isEmpty
    }

    public func users(tenantID: String) async throws -> [User] {
        try await database.rows("SELECT * FROM person WHERE tenant_id = \(tenantID) ORDER BY email COLLATE \"C\"").map { try $0.record(UserRow.self).model() }
    }

    public func setUserRole(tenantID: String, userID: String, role: Role, companyID: String?, at: Date, ledger: LedgerEntry) async throws -> Int? {
        try await database.write { write in
            let changed = try await write.rows(
                "UPDATE person SET role = \(role.rawValue), company_id = \(companyID) WHERE tenant_id = \(tenantID) AND id = \(userID) RETURNING 1")
            guard changed.count == 1 else { return nil }
            let ended = try await Self.revokeGrants(write, tenantID: tenantID, userID: userID, reason: "role changed", at: at)
            try await Self.appendLedger(write, [ledger])
            return ended
        }
    }

    public func setUserDisabled(tenantID: String, userID: String, at: Date?, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { write in
            let changed = try await write.rows(
                """
                UPDATE person SET disabled_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(userID) AND (disabled_at IS NULL) = \(at != nil)
                RETURNING 1
                """)
            guard changed.count == 1 else { return false }
            if let ledger { try await Self.appendLedger(write, [ledger]) }
            guard let at else { return true }
            try await write.rows("DELETE FROM browser_session WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            try await write.rows("DELETE FROM pending_sign_in WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            try await write.rows("DELETE FROM pending_authorization WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            _ = try await Self.revokeGrants(write, tenantID: tenantID, userID: userID, reason: "person disabled", at: at)
            try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: .user, subjects: [userID])
            return true
        }
    }
}
