import Foundation
import PostgresNIO
import Shared

/// A person's second factor (`SecondFactorStore`) on PostgreSQL.
extension PostgresAuthStorage {
    public func secondFactor(tenantID: String, userID: String) async throws -> StoredSecondFactor? {
        try await database.rows("SELECT * FROM second_factor WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            .first?.record(SecondFactorRow.self).model
    }

    public func beginSecondFactor(_ factor: StoredSecondFactor) async throws -> Bool {
        let row = SecondFactorRow(factor)
        return try await database.rows(
            """
            INSERT INTO second_factor (tenant_id, user_id, sealed_secret, created_at)
            VALUES (\(row.tenantID), \(row.userID), \(row.sealedSecret), \(row.createdAt))
            ON CONFLICT (tenant_id, user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, created_at = excluded.created_at
            WHERE second_factor.enabled_at IS NULL
            RETURNING 1
            """
        ).count == 1
    }

    public func enableSecondFactor(tenantID: String, userID: String, at: Date, step: Int64, recoveryCodeHashes: [String]) async throws -> Bool {
        try await database.write { write in
            let enabled = try await write.rows(
                """
                UPDATE second_factor SET enabled_at = \(at), last_step = \(step)
                WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND enabled_at IS NULL RETURNING 1
                """)
            guard enabled.count == 1 else { return false }
            try await Self.replaceRecoveryCodes(write, tenantID: tenantID, userID: userID, hashes: recoveryCodeHashes)
            try await Self.appendLedger(write, [Ledger.entry(.secondFactorEnabled, tenantID: tenantID, actorID: userID, subjectID: userID, at: at)])
            return true
        }
    }

    public func acceptSecondFactorStep(tenantID: String, userID: String, step: Int64) async throws -> Bool {
        try await database.rows(
            """
            UPDATE second_factor SET last_step = \(step) WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND enabled_at IS NOT NULL
            AND (last_step IS NULL OR last_step < \(step)) RETURNING 1
            """
        ).count == 1
    }

    public func spendRecoveryCode(tenantID: String, userID: String, codeHash: String, at: Date) async throws -> Bool {
        try await database.rows(
            """
            UPDATE recovery_code SET used_at = \(at) WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND code_hash = \(codeHash)
            AND used_at IS NULL RETURNING 1
            """
        ).count == 1
    }

    public func unusedRecoveryCodes(tenantID: String, userID: String) async throws -> Int {
        try await database.rows(
            "SELECT COUNT(*) AS unused FROM recovery_code WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND used_at IS NULL"
        ).first?.value("unused") ?? 0
    }

    public func replaceRecoveryCodes(tenantID: String, userID: String, hashes: [String]) async throws {
        try await database.write { write in try await Self.replaceRecoveryCodes(write, tenantID: tenantID, userID: userID, hashes: hashes) }
    }

    public func removeSecondFactor(tenantID: String, userID: String, at: Date, byAdministrator: Bool) async throws -> Bool {
        try await database.write { write in
            let removed = try await write.rows("DELETE FROM second_factor WHERE tenant_id = \(tenantID) AND user_id = \(userID) RETURNING 1")
            guard removed.count == 1 else { return false }
            try await write.rows("DELETE FROM recovery_code WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            // Recorded here, whoever turns it off; an administrator's own id is in their `admin.command` or page entry.
            try await Self.appendLedger(
                write,
                [Ledger.entry(
                    byAdministrator ? .secondFactorReset : .secondFactorDisabled, tenantID: tenantID, actorID: byAdministrator ? nil : userID,
                    subjectID: userID, at: at)])
            if byAdministrator {
                try await write.rows("UPDATE person SET second_factor_reset_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(userID)")
            }
            for table in ["refresh_token", "authorization_code"] {
                try await write.rows(
                    """
                    UPDATE \(unescaped: table) SET elevated_at = NULL, elevated_by = NULL WHERE tenant_id = \(tenantID) AND elevated_at IS NOT NULL
                    AND grant_id IN (SELECT id FROM oauth_grant WHERE tenant_id = \(tenantID) AND user_id = \(userID))
                    """)
            }
            try await write.rows(
                "UPDATE personal_access_token SET elevated_at = NULL, elevated_until = NULL WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
            try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: .elevation, subjects: [userID])
            return true
        }
    }

    public func takeSecondFactorResetNotice(tenantID: String, userID: String) async throws -> Date? {
        // The old value, read in the same statement that clears it: two readers at once cannot both take it.
        try await database.rows(
            """
            UPDATE person p SET second_factor_reset_at = NULL FROM person old
            WHERE p.tenant_id = \(tenantID) AND p.id = \(userID) AND old.tenant_id = p.tenant_id AND old.id = p.id
            AND p.second_factor_reset_at IS NOT NULL
            RETURNING old.second_factor_reset_at AS notice
            """
        ).first?.value("notice")
    }

    private static func replaceRecoveryCodes(_ write: PostgresWrite, tenantID: String, userID: String, hashes: [String]) async throws {
        try await write.rows("DELETE FROM recovery_code WHERE tenant_id = \(tenantID) AND user_id = \(userID)")
        try await write.rows(
            "INSERT INTO recovery_code (tenant_id, user_id, code_hash) SELECT \(tenantID), \(userID), unnest(\(hashes)::text[])")
    }
}
