import Foundation
import Logging
import PostgresNIO
import Shared
import ToolKit

/// Writes: the idempotency check, the confirmation, the change, the idempotency record and the audit
/// entry in one transaction. SQLite's single writer makes a check and the insert that follows it atomic;
/// here two instances could both find a key unused, so the transaction first takes a lock named after
/// (tenant, person, key) and holds it until commit: the second call waits, then finds the first one's
/// record and replays it (PostgreSQL documentation § 13.3.5 Advisory Locks). A confirmation's row is
/// locked (`FOR UPDATE`) for the same reason, and ticket numbers are drawn under a lock per tenant.
extension PostgresServiceDeskStore {
    public func perform(_ write: DeskWrite, audit: AuditTrail) async throws -> DeskWriteResult {
        try await database.transaction { connection in
            let session = WriteSession(connection: connection, logger: database.logger, scope: write.scope)
            let isDryRun = write.mode == .dryRun
            if let claim = write.idempotency, !isDryRun {
                try await session.lock(["idempotency", write.scope.tenantID, write.fingerprint.subject, claim.key])
                if let earlier = try await session.rememberedWrite(claim: claim, write: write) {
                    return try await session.replay(earlier, by: .idempotencyKey, audit: audit)
                }
            }
            if case .commit(let confirmation?) = write.mode, let earlier = try await session.checkConfirmation(id: confirmation, write: write) {
                return try await session.replay(earlier, by: .confirmation, audit: audit)
            }

            // A dry run and a preview work the change out in full, then keep none of it.
            try await session.run("SAVEPOINT change")
            let report = try await session.apply(write.change, actor: write.actor, now: write.now)
            try await session.run(DeskWriteChecks.isCommit(write.mode) ? "RELEASE SAVEPOINT change" : "ROLLBACK TO SAVEPOINT change")
            audit.concerns(ticketID: DeskWriteChecks.keptTicketID(write, report), companyID: report.customerID)

            let tenantID = write.scope.tenantID
            switch write.mode {
            case .dryRun:
                try await session.audit(audit.entry(outcome: .ok, dryRun: true))
                return .dryRun(report)
            case .preview(let expiresAt):
                let id = "cnf_" + RandomIdentifier.make()
                try await session.run(
                    "INSERT INTO pending_write (tenant_id, id, subject, tool, argument_digest, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        .text(tenantID), .text(id), .text(write.fingerprint.subject), .text(write.fingerprint.tool), .text(write.fingerprint.argumentDigest),
                        .date(write.now), .date(expiresAt),
                    ])
                try await session.run(
                    "DELETE FROM pending_write WHERE tenant_id = ? AND expires_at < ?",
                    [.text(tenantID), .date(write.now.addingTimeInterval(-DeskSettings.spentConfirmationMemory))])
                try await session.audit(audit.entry(outcome: .awaitingConfirmation, dryRun: true))
                return .awaitingConfirmation(report, confirmationID: id, expiresAt: expiresAt)
            case .commit(let confirmation):
                if let claim = write.idempotency { try await session.remember(claim: claim, write: write, report: report) }
                if let confirmation {
                    try await session.run(
                        "UPDATE pending_write SET used_at = ?, report = ? WHERE tenant_id = ? AND id = ?",
                        [.date(write.now), .text(try DeskWriteChecks.encoded(report)), .text(tenantID), .text(confirmation)])
                }
                try await session.audit(audit.entry(outcome: .ok, dryRun: false))
                return .done(report)
            }
        }
    }
}

/// One write's transaction: its connection and scope, and each step of `perform` on them.
struct WriteSession {
    let connection: PostgresConnection
    let logger: Logger
    let scope: ServiceDeskScope

    func run(_ sql: String, _ values: [SQLValue] = []) async throws {
        try await connection.query(PostgresQuery(sql: sql, values), logger: logger)
    }

    func rows(_ sql: String, _ values: [SQLValue]) async throws -> [PostgresRow] {
        try await connection.query(PostgresQuery(sql: sql, values), logger: logger).collect()
    }

    /// A transaction-scoped advisory lock named by `parts`.
    func lock(_ parts: [String]) async throws {
        try await run("SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ?, 0))", [.text(parts.joined(separator: "\n"))])
    }

    func audit(_ entry: AuditEntry) async throws {
        try await PostgresServiceDeskStore.insert([entry], connection, logger: logger)
    }

    func insert<Record: Encodable>(_ record: Record, into table: String) async throws {
        try await PostgresServiceDeskStore.insertMany([record], into: table, connection, logger: logger)
    }

    func fetch<Item: Decodable>(_ type: Item.Type, from table: String, _ conditions: SQLConditions, _ tail: String = "") async throws -> Item? {
        try await rows("SELECT \(table).* FROM \(table) \(conditions.sql) \(tail)", conditions.values).first.map {
            try PostgresRowDecoder.decode(Item.self, from: $0.makeRandomAccess())
        }
    }

    func exists(_ table: String, _ conditions: SQLConditions) async throws -> Bool {
        try await rows("SELECT count(*) FROM \(table) \(conditions.sql)", conditions.values).first?.decode(Int.self) == 1
    }

    func replay(_ earlier: DeskWriteReport, by replay: DeskWriteResult.Replay, audit: AuditTrail) async throws -> DeskWriteResult {
        try DeskWriteChecks.checkReplay(earlier, scope: scope)
        audit.concerns(ticketID: earlier.ticket?.id, companyID: earlier.customerID)
        try await self.audit(audit.entry(outcome: .replayed, dryRun: false))
        return .replayed(earlier, by: replay)
    }

    func rememberedWrite(claim: IdempotencyClaim, write: DeskWrite) async throws -> DeskWriteReport? {
        guard
            let row = try await rows(
                "SELECT tool, argument_digest, report FROM idempotency_record WHERE tenant_id = ? AND subject = ? AND key = ? AND created_at >= ?",
                [.text(scope.tenantID), .text(write.fingerprint.subject), .text(claim.key), .date(write.now.addingTimeInterval(-IdempotencyClaim.lifetime))]
            ).first
        else { return nil }
        let (tool, digest, report) = try row.decode((String, String, String).self)
        return try DeskWriteChecks.remembered(tool: tool, argumentDigest: digest, report: report, for: write)
    }

    func remember(claim: IdempotencyClaim, write: DeskWrite, report: DeskWriteReport) async throws {
        // Keys past their lifetime are forgotten, which also frees them for reuse.
        try await run(
            "DELETE FROM idempotency_record WHERE tenant_id = ? AND created_at < ?",
            [.text(scope.tenantID), .date(write.now.addingTimeInterval(-IdempotencyClaim.lifetime))])
        try await run(
            """
            INSERT INTO idempotency_record (tenant_id, subject, key, tool, argument_digest, report, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(scope.tenantID), .text(write.fingerprint.subject), .text(claim.key), .text(write.fingerprint.tool),
                .text(write.fingerprint.argumentDigest), .text(try DeskWriteChecks.encoded(report)), .date(write.now),
            ])
    }

    /// The confirmation's row, locked until commit so two calls cannot both spend it.
    func checkConfirmation(id: String, write: DeskWrite) async throws -> DeskWriteReport? {
        let row = try await rows(
            "SELECT subject, tool, argument_digest, expires_at, used_at, report FROM pending_write "
                + "WHERE tenant_id = ? AND id = ? FOR UPDATE",
            [.text(scope.tenantID), .text(id)]
        ).first
        let confirmation = try row.map { row in
            let (subject, tool, digest, expiresAt, usedAt, report) = try row.decode(
                (String, String, String, PostgresInstant, PostgresInstant?, String?).self)
            return DeskWriteChecks.Confirmation(
                subject: subject, tool: tool, argumentDigest: digest, expiresAt: expiresAt.date, usedAt: usedAt?.date, report: report)
        }
        return try DeskWriteChecks.confirmation(confirmation, id: id, for: write)
    }

    // MARK: the changes

    func apply(_ change: DeskChange, actor: String, now: Date) async throws -> DeskWriteReport {
        switch change {
        case .createTicket(let new):
            try await requireCustomer(new.customerID)
            if let assetID = new.assetID {
                var asset = SQLConditions()
                asset.scope(scope, table: "asset")
                asset.add("asset.id = ? AND asset.company_id = ?", [assetID, new.customerID])
                guard try await exists("asset", asset) else { throw DeskWriteError.notFound(kind: "device of this customer", id: assetID) }
            }
            try await lock(["ticket numbers", scope.tenantID])
            let highest = try await rows(
                "SELECT max(CAST(substr(number, 3) AS BIGINT)) FROM ticket WHERE tenant_id = ? AND number ~ '^T-[0-9]{1,18}$'", [.text(scope.tenantID)]
            ).first?.decode(Int?.self) ?? 10_000
            let (ticket, note, report) = DeskChangeRules.newTicket(new, number: highest + 1, scope: scope, actor: actor, now: now)
            try await insert(ticket, into: "ticket")
            try await insert(note, into: "ticket_note")
            return report
        case .addNote(let ticketID, let visibility, let body):
            try DeskChangeRules.checkNoteVisibility(visibility, scope: scope)
            let (ticket, note, report) = try DeskChangeRules.addedNote(
                to: try await visibleTicket(ticketID), visibility, body, scope: scope, actor: actor, now: now)
            try await insert(note, into: "ticket_note")
            try await run("UPDATE ticket SET updated_at = ? WHERE tenant_id = ? AND id = ?", [.date(now), .text(ticket.tenantID), .text(ticket.id)])
            return report
        case .setTicketStatus(let ticketID, let status, let body):
            let (ticket, note, report) = try DeskChangeRules.statusChange(
                of: try await visibleTicket(ticketID), to: status, note: body, scope: scope, actor: actor, now: now)
            try await run(
                "UPDATE ticket SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                [.text(status.rawValue), .date(now), .text(ticket.tenantID), .text(ticket.id)])
            if let note { try await insert(note, into: "ticket_note") }
            return report
        case .updateAlert(let alertID, let action, let note):
            var conditions = SQLConditions()
            conditions.scope(scope, table: "alert")
            conditions.add("alert.id = ?", [alertID])
            guard let alert = try await fetch(Alert.self, from: "alert", conditions, "FOR UPDATE") else {
                throw DeskWriteError.notFound(kind: "alert", id: alertID)
            }
            let (changed, event, report) = try DeskChangeRules.alertChange(of: alert, action, note: note, scope: scope, actor: actor, now: now)
            try await run(
                "UPDATE alert SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
                [.text(changed.status.rawValue), .date(now), .text(changed.tenantID), .text(changed.id)])
            try await insert(event, into: "alert_event")
            return report
        case .runRule(let ruleID, let customerID):
            var conditions = SQLConditions()
            conditions.add("tenant_id = ? AND id = ?", [scope.tenantID, ruleID])
            guard let rule = try await fetch(Rule.self, from: "rule", conditions) else { throw DeskWriteError.notFound(kind: "rule", id: ruleID) }
            try DeskChangeRules.checkRuleEnabled(rule)
            let target = DeskChangeRules.ruleTarget(customerID, scope: scope)
            if let target { try await requireCustomer(target) }
            let (execution, report) = DeskChangeRules.ruleRun(rule, target: target, scope: scope, actor: actor, now: now)
            try await insert(execution, into: "rule_execution")
            return report
        }
    }

    private func requireCustomer(_ id: String) async throws {
        var customer = SQLConditions()
        customer.scope(scope, table: "company", companyColumn: "id")
        customer.add("company.id = ?", [id])
        guard try await exists("company", customer) else { throw DeskWriteError.notFound(kind: "customer", id: id) }
    }

    /// The ticket within the scope, locked until commit so two changes to it apply one after the other.
    private func visibleTicket(_ id: String) async throws -> Ticket {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "ticket")
        conditions.add("ticket.id = ?", [id])
        guard let ticket = try await fetch(Ticket.self, from: "ticket", conditions, "FOR UPDATE") else { throw DeskWriteError.notFound(kind: "ticket", id: id) }
        return ticket
    }
}
