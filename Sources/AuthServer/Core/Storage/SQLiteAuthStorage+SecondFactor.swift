import Foundation
import GRDB
import Shared

/// SQLite implementation of `SecondFactorStore`.
extension SQLiteAuthStorage {
    public func secondFactor(tenantID: String, userID: String) async throws -> StoredSecondFactor? {
        try await database.read { db in
            try SecondFactorRow.fetchOne(
                db, cached: "SELECT * FROM second_factor WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])?.model
        }
    }

    public func beginSecondFactor(_ factor: StoredSecondFactor) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO second_factor (tenant_id, user_id, sealed_secret, created_at) VALUES (:tenant_id, :user_id, :sealed_secret, :created_at)
                    ON CONFLICT(tenant_id, user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret, created_at = excluded.created_at
                    WHERE second_factor.enabled_at IS NULL
                    """, arguments: StatementArguments(try SecondFactorRow(factor).databaseDictionary))
            return db.changesCount == 1
        }
    }

    public func enableSecondFactor(tenantID: String, userID: String, at: Date, step: Int64, recoveryCodeHashes: [String]) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE second_factor SET enabled_at = ?, last_step = ? WHERE tenant_id = ? AND user_id = ? AND enabled_at IS NULL",
                arguments: [at, step, tenantID, userID])
            guard db.changesCount == 1 else { return false }
            try Self.replaceRecoveryCodes(db, tenantID: tenantID, userID: userID, hashes: recoveryCodeHashes)
            try Self.appendLedger(db, [Ledger.entry(.secondFactorEnabled, tenantID: tenantID, actorID: userID, subjectID: userID, at: at)])
            return true
        }
    }

    public func acceptSecondFactorStep(tenantID: String, userID: String, step: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE second_factor SET last_step = ? WHERE tenant_id = ? AND user_id = ? AND enabled_at IS NOT NULL
                    AND (last_step IS NULL OR last_step < ?)
                    """, arguments: [step, tenantID, userID, step])
            return db.changesCount == 1
        }
    }

    public func spendRecoveryCode(tenantID: String, userID: String, codeHash: String, at: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE recovery_code SET used_at = ? WHERE tenant_id = ? AND user_id = ? AND code_hash = ? AND used_at IS NULL",
                arguments: [at, tenantID, userID, codeHash])
            return db.changesCount == 1
        }
    }

    public func unusedRecoveryCodes(tenantID: String, userID: String) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, cached: "SELECT COUNT(*) FROM recovery_code WHERE tenant_id = ? AND user_id = ? AND used_at IS NULL",
                arguments: [tenantID, userID]
            ) ?? 0
        }
    }

    public func replaceRecoveryCodes(tenantID: String, userID: String, hashes: [String]) async throws {
        try await database.write { db in try Self.replaceRecoveryCodes(db, tenantID: tenantID, userID: userID, hashes: hashes) }
    }

    public func removeSecondFactor(tenantID: String, userID: String, at: Date, byAdministrator: Bool) async throws -> Bool {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM second_factor WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
            guard db.changesCount == 1 else { return false }
            try db.execute(cached: "DELETE FROM recovery_code WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
            // Recorded here, whoever turns it off; an administrator's own id is in their `admin.command` or page entry.
            try Self.appendLedger(
                db,
                [Ledger.entry(
                    byAdministrator ? .secondFactorReset : .secondFactorDisabled, tenantID: tenantID, actorID: byAdministrator ? nil : userID,
                    subjectID: userID, at: at)])
            if byAdministrator {
                try db.execute(
                    cached: "UPDATE user SET second_factor_reset_at = ? WHERE tenant_id = ? AND id = ?", arguments: [at, tenantID, userID])
            }
            try db.execute(
                cached: """
                    UPDATE refresh_token SET elevated_at = NULL, elevated_by = NULL WHERE tenant_id = ? AND elevated_at IS NOT NULL
                    AND grant_id IN (SELECT id FROM oauth_grant WHERE tenant_id = ? AND user_id = ?)
                    """, arguments: [tenantID, tenantID, userID])
            try db.execute(
                cached: """
                    UPDATE authorization_code SET elevated_at = NULL, elevated_by = NULL WHERE tenant_id = ? AND elevated_at IS NOT NULL
                    AND grant_id IN (SELECT id FROM oauth_grant WHERE tenant_id = ? AND user_id = ?)
                    """, arguments: [tenantID, tenantID, userID])
            try db.execute(
                cached: "UPDATE personal_access_token SET elevated_at = NULL, elevated_until = NULL WHERE tenant_id = ? AND user_id = ?",
                arguments: [tenantID, userID])
            try Self.appendRevocationEvents(db, kind: .elevation, selecting: "SELECT ?, ?", arguments: [tenantID, userID])
            return true
        }
    }

    public func takeSecondFactorResetNotice(tenantID: String, userID: String) async throws -> Date? {
        try await database.write { db in
            let notice = try Date.fetchOne(
                db, cached: "SELECT second_factor_reset_at FROM user WHERE tenant_id = ? AND id = ?", arguments: [tenantID, userID])
            if notice != nil {
                try db.execute(cached: "UPDATE user SET second_factor_reset_at = NULL WHERE tenant_id = ? AND id = ?", arguments: [tenantID, userID])
            }
            return notice
        }
    }

    private static func replaceRecoveryCodes(_ db: Database, tenantID: String, userID: String, hashes: [String]) throws {
        try db.execute(cached: "DELETE FROM recovery_code WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
        for hash in hashes {
            try db.execute(cached: "INSERT INTO recovery_code (tenant_id, user_id, code_hash) VALUES (?, ?, ?)", arguments: [tenantID, userID, hash])
        }
    }
}
