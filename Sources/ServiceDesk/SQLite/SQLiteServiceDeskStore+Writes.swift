import Foundation
import GRDB
import Shared
import ToolKit

/// Writes: the idempotency check, the confirmation, the change, the idempotency record and the audit
/// entry in one transaction, so a process killed mid-call leaves either all of it or none of it, and a
/// retry with the same key finds exactly what the first call did.
extension SQLiteServiceDeskStore {
    public func perform(_ write: DeskWrite, audit: AuditTrail) async throws -> DeskWriteResult {
        try await database.isolatedWrite { db in
            let tenantID = write.scope.tenantID
            let isDryRun = write.mode == .dryRun
            if let claim = write.idempotency, !isDryRun, let earlier = try Self.rememberedWrite(db, claim: claim, write: write) {
                return try Self.replay(earlier, by: .idempotencyKey, scope: write.scope, audit: audit, db)
            }
            if case .commit(let confirmation?) = write.mode, let earlier = try Self.checkConfirmation(db, id: confirmation, write: write) {
                return try Self.replay(earlier, by: .confirmation, scope: write.scope, audit: audit, db)
            }

            var report: DeskWriteReport?
            try db.inSavepoint {
                report = try Self.apply(write.change, db: db, scope: write.scope, actor: write.actor, now: write.now)
                // A dry run and a preview work the change out in full, then keep none of it.
                return DeskWriteChecks.isCommit(write.mode) ? .commit : .rollback
            }
            guard let report else { throw DeskWriteError.conflict("the change produced no report") }
            audit.concerns(ticketID: DeskWriteChecks.keptTicketID(write, report), companyID: report.customerID)

            let result: DeskWriteResult
            switch write.mode {
            case .dryRun:
                result = .dryRun(report)
                try Self.insert(audit.entry(outcome: .ok, dryRun: true), db)
            case .preview(let expiresAt):
                let id = "cnf_" + RandomIdentifier.make()
                try db.execute(
                    sql: """
                        INSERT INTO pending_write (tenant_id, id, subject, tool, argument_digest, created_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [tenantID, id, write.fingerprint.subject, write.fingerprint.tool, write.fingerprint.argumentDigest, write.now, expiresAt]
                )
                try db.execute(
                    sql: "DELETE FROM pending_write WHERE tenant_id = ? AND expires_at < ?",
                    arguments: [tenantID, write.now.addingTimeInterval(-DeskSettings.spentConfirmationMemory)]
                )
                result = .awaitingConfirmation(report, confirmationID: id, expiresAt: expiresAt)
                try Self.insert(audit.entry(outcome: .awaitingConfirmation, dryRun: true), db)
            case .commit(let confirmation):
                if let claim = write.idempotency { try Self.remember(db, claim: claim, write: write, report: report) }
                if let confirmation {
                    try db.execute(
                        sql: "UPDATE pending_write SET used_at = ?, report = ? WHERE tenant_id = ? AND id = ?",
                        arguments: [write.now, try DeskWriteChecks.encoded(report), tenantID, confirmation]
                    )
                }
                result = .done(report)
                try Self.insert(audit.entry(outcome: .ok, dryRun: false), db)
            }
            return result
        }
    }

    private static func replay(
        _ earlier: DeskWriteReport, by replay: DeskWriteResult.Replay, scope: ServiceDeskScope, audit: AuditTrail, _ db: Database
    ) throws -> DeskWriteResult {
        try DeskWriteChecks.checkReplay(earlier, scope: scope)
        audit.concerns(ticketID: earlier.ticket?.id, companyID: earlier.customerID)
        try Self.insert(audit.entry(outcome: .replayed, dryRun: false), db)
        return .replayed(earlier, by: replay)
    }

    public func rules(tenantID: String) async throws -> [Rule] {
        try await database.isolatedRead { db in
            try Rule.fetchAll(db.cachedStatement(sql: "SELECT * FROM rule WHERE tenant_id = ? ORDER BY name COLLATE NOCASE, id"), arguments: [tenantID])
        }
    }

    public func settings(tenantID: String) async throws -> DeskSettings {
        try await database.isolatedRead { db in
            let confirm = try Bool.fetchOne(db.cachedStatement(sql: "SELECT confirm_writes FROM desk_settings WHERE tenant_id = ?"), arguments: [tenantID])
            return DeskSettings(confirmWrites: confirm ?? false)
        }
    }

    public func saveSettings(_ settings: DeskSettings, tenantID: String) async throws {
        try await database.isolatedWrite { db in
            try db.execute(
                sql: """
                    INSERT INTO desk_settings (tenant_id, confirm_writes) VALUES (?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET confirm_writes = excluded.confirm_writes
                    """,
                arguments: [tenantID, settings.confirmWrites]
            )
        }
    }

    // MARK: idempotency and confirmation

    /// The report an earlier call with this key made, when the key is still remembered (see `DeskWriteChecks.remembered`).
    private static func rememberedWrite(_ db: Database, claim: IdempotencyClaim, write: DeskWrite) throws -> DeskWriteReport? {
        let oldest = write.now.addingTimeInterval(-IdempotencyClaim.lifetime)
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT tool, argument_digest, report FROM idempotency_record WHERE tenant_id = ? AND subject = ? AND key = ? AND created_at >= ?"),
            arguments: [write.scope.tenantID, write.fingerprint.subject, claim.key, oldest]
        ) else { return nil }
        return try DeskWriteChecks.remembered(tool: row["tool"], argumentDigest: row["argument_digest"], report: row["report"], for: write)
    }

    private static func remember(_ db: Database, claim: IdempotencyClaim, write: DeskWrite, report: DeskWriteReport) throws {
        let tenantID = write.scope.tenantID
        // Keys past their lifetime are forgotten, which also frees them for reuse.
        try db.execute(
            sql: "DELETE FROM idempotency_record WHERE tenant_id = ? AND created_at < ?",
            arguments: [tenantID, write.now.addingTimeInterval(-IdempotencyClaim.lifetime)]
        )
        try db.execute(
            sql: """
                INSERT INTO idempotency_record (tenant_id, subject, key, tool, argument_digest, report, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                tenantID, write.fingerprint.subject, claim.key, write.fingerprint.tool, write.fingerprint.argumentDigest,
                try DeskWriteChecks.encoded(report), write.now,
            ]
        )
    }

    private static func checkConfirmation(_ db: Database, id: String, write: DeskWrite) throws -> DeskWriteReport? {
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT subject, tool, argument_digest, expires_at, used_at, report FROM pending_write WHERE tenant_id = ? AND id = ?"),
            arguments: [write.scope.tenantID, id]
        )
        return try DeskWriteChecks.confirmation(
            row.map {
                DeskWriteChecks.Confirmation(
                    subject: $0["subject"], tool: $0["tool"], argumentDigest: $0["argument_digest"], expiresAt: $0["expires_at"], usedAt: $0["used_at"],
                    report: $0["report"])
            }, id: id, for: write)
    }
}
