import Foundation
import GRDB
import Shared

/// Each change a write tool can make, inside the write's transaction. Every record is looked up within
/// the caller's scope first, so a write can no more reach another company's rows than a read can.
extension SQLiteServiceDeskStore {
    static func apply(_ change: DeskChange, db: Database, scope: ServiceDeskScope, actor: String, now: Date) throws -> DeskWriteReport {
        switch change {
        case .createTicket(let new): try createTicket(new, db: db, scope: scope, actor: actor, now: now)
        case .addNote(let ticketID, let visibility, let body): try addNote(ticketID, visibility, body, db: db, scope: scope, actor: actor, now: now)
        case .setTicketStatus(let ticketID, let status, let note):
            try setTicketStatus(ticketID, status, note: note, db: db, scope: scope, actor: actor, now: now)
        case .updateAlert(let alertID, let action, let note): try updateAlert(alertID, action, note: note, db: db, scope: scope, actor: actor, now: now)
        case .runRule(let ruleID, let customerID): try runRule(ruleID, customerID: customerID, db: db, scope: scope, actor: actor, now: now)
        }
    }

    private static func createTicket(_ new: NewTicket, db: Database, scope: ServiceDeskScope, actor: String, now: Date) throws -> DeskWriteReport {
        var customer = SQLConditions()
        customer.scope(scope, table: "company", companyColumn: "id")
        customer.add("company.id = ?", [new.customerID])
        guard try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM company \(customer.sql)"), arguments: customer.arguments) == 1 else {
            throw DeskWriteError.notFound(kind: "customer", id: new.customerID)
        }
        if let assetID = new.assetID {
            var asset = SQLConditions()
            asset.scope(scope, table: "asset")
            asset.add("asset.id = ? AND asset.company_id = ?", [assetID, new.customerID])
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM asset \(asset.sql)"), arguments: asset.arguments) == 1 else {
                throw DeskWriteError.notFound(kind: "device of this customer", id: assetID)
            }
        }
        let highest = try Int.fetchOne(db.cachedStatement(sql: "SELECT max(CAST(substr(number, 3) AS INTEGER)) FROM ticket WHERE tenant_id = ? AND number LIKE 'T-%'"), arguments: [scope.tenantID]
        ) ?? 10_000
        let ticket = Ticket(
            tenantID: scope.tenantID, id: "tkt_" + RandomIdentifier.make(bytes: 9), number: "T-\(highest + 1)", companyID: new.customerID,
            subject: new.subject, status: .new, priority: new.priority, requesterEmail: new.requesterEmail, assignee: nil, assetID: new.assetID,
            createdAt: now, updatedAt: now
        )
        try ticket.insert(db)
        let note = TicketNote(
            tenantID: scope.tenantID, id: "nte_" + RandomIdentifier.make(bytes: 9), ticketID: ticket.id, author: actor, visibility: .public,
            body: new.description, createdAt: now
        )
        try note.insert(db)
        let changes = [
            FieldChange(record: "ticket", id: ticket.id, field: "created", from: nil, to: ticket.number),
            FieldChange(record: "note", id: note.id, field: "created", from: nil, to: "public reply"),
        ]
        return DeskWriteReport(
            summary: "Opened \(ticket.number) for customer \(ticket.companyID): \(ticket.subject)", changes: changes, customerID: ticket.companyID,
            ticket: ticket, note: note
        )
    }

    private static func addNote(
        _ ticketID: String, _ visibility: TicketNote.Visibility, _ body: String, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        if visibility == .internal, !scope.seesInternalNotes {
            throw DeskWriteError.conflict("internal notes are for the service provider's staff only")
        }
        var ticket = try visibleTicket(ticketID, db: db, scope: scope)
        guard ticket.status != .closed else {
            throw DeskWriteError.conflict("\(ticket.number) is closed; open a new ticket, or reopen it with update_ticket_status first")
        }
        let note = TicketNote(
            tenantID: scope.tenantID, id: "nte_" + RandomIdentifier.make(bytes: 9), ticketID: ticket.id, author: actor, visibility: visibility,
            body: body, createdAt: now
        )
        try note.insert(db)
        try touch(&ticket, db: db, now: now)
        let kind = visibility == .public ? "public reply" : "internal note"
        return DeskWriteReport(
            summary: "Added a \(kind) to \(ticket.number)", changes: [FieldChange(record: "note", id: note.id, field: "created", from: nil, to: kind)],
            customerID: ticket.companyID, ticket: ticket, note: note
        )
    }

    private static func setTicketStatus(
        _ ticketID: String, _ status: Ticket.Status, note body: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        var ticket = try visibleTicket(ticketID, db: db, scope: scope)
        let previous = ticket.status
        guard previous != status else { throw DeskWriteError.conflict("\(ticket.number) is already \(status.rawValue); nothing to change") }
        ticket.status = status
        ticket.updatedAt = now
        try db.execute(
            sql: "UPDATE ticket SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
            arguments: [status.rawValue, now, ticket.tenantID, ticket.id]
        )
        var changes = [FieldChange(record: "ticket", id: ticket.id, field: "status", from: previous.rawValue, to: status.rawValue)]
        var note: TicketNote?
        if let body {
            let reply = TicketNote(
                tenantID: scope.tenantID, id: "nte_" + RandomIdentifier.make(bytes: 9), ticketID: ticket.id, author: actor, visibility: .public,
                body: body, createdAt: now
            )
            try reply.insert(db)
            changes.append(FieldChange(record: "note", id: reply.id, field: "created", from: nil, to: "public reply"))
            note = reply
        }
        return DeskWriteReport(
            summary: "\(ticket.number) is now \(status.rawValue) (was \(previous.rawValue))", changes: changes, customerID: ticket.companyID,
            ticket: ticket, note: note
        )
    }

    private static func updateAlert(
        _ alertID: String, _ action: AlertEvent.Action, note: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "alert")
        conditions.add("alert.id = ?", [alertID])
        guard var alert = try Alert.fetchOne(db.cachedStatement(sql: "SELECT * FROM alert \(conditions.sql)"), arguments: conditions.arguments) else {
            throw DeskWriteError.notFound(kind: "alert", id: alertID)
        }
        let previous = alert.status
        switch action {
        case .acknowledged:
            guard previous == .open else { throw DeskWriteError.conflict("alert \(alert.id) is \(previous.rawValue); only open alerts can be acknowledged") }
            alert.status = .acknowledged
        case .resolved:
            guard previous != .resolved else { throw DeskWriteError.conflict("alert \(alert.id) is already resolved") }
            alert.status = .resolved
        case .reopened:
            guard previous == .resolved else { throw DeskWriteError.conflict("alert \(alert.id) is \(previous.rawValue), not resolved") }
            alert.status = .open
        }
        alert.updatedAt = now
        try db.execute(
            sql: "UPDATE alert SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
            arguments: [alert.status.rawValue, now, alert.tenantID, alert.id]
        )
        let event = AlertEvent(
            tenantID: scope.tenantID, id: "ale_" + RandomIdentifier.make(bytes: 9), alertID: alert.id, action: action, actor: actor, note: note, occurredAt: now
        )
        try event.insert(db)
        return DeskWriteReport(
            summary: "Alert \"\(alert.title)\" is now \(alert.status.rawValue) (was \(previous.rawValue))",
            changes: [FieldChange(record: "alert", id: alert.id, field: "status", from: previous.rawValue, to: alert.status.rawValue)],
            customerID: alert.companyID, alert: alert
        )
    }

    private static func runRule(_ ruleID: String, customerID: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date) throws -> DeskWriteReport {
        guard let rule = try Rule.fetchOne(db.cachedStatement(sql: "SELECT * FROM rule WHERE tenant_id = ? AND id = ?"), arguments: [scope.tenantID, ruleID]) else {
            throw DeskWriteError.notFound(kind: "rule", id: ruleID)
        }
        guard rule.enabled else { throw DeskWriteError.conflict("rule \"\(rule.name)\" is disabled; an administrator must enable it before it runs") }
        // A company-scoped caller runs a rule for their own company only.
        let target = customerID ?? scope.companyID
        if let target {
            var customer = SQLConditions()
            customer.scope(scope, table: "company", companyColumn: "id")
            customer.add("company.id = ?", [target])
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM company \(customer.sql)"), arguments: customer.arguments) == 1 else {
                throw DeskWriteError.notFound(kind: "customer", id: target)
            }
        }
        let execution = RuleExecution(
            tenantID: scope.tenantID, id: "rex_" + RandomIdentifier.make(bytes: 9), ruleID: rule.id, companyID: target, startedAt: now,
            finishedAt: now, outcome: .succeeded,
            summary: "Run on request by \(actor)\(target.map { " for \($0)" } ?? " for every customer"): \(rule.action)"
        )
        try execution.insert(db)
        return DeskWriteReport(
            summary: "Ran rule \"\(rule.name)\"\(target.map { " for \($0)" } ?? " for every customer")",
            changes: [FieldChange(record: "rule_execution", id: execution.id, field: "created", from: nil, to: execution.outcome.rawValue)],
            customerID: target, ruleExecution: execution
        )
    }

    private static func visibleTicket(_ id: String, db: Database, scope: ServiceDeskScope) throws -> Ticket {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "ticket")
        conditions.add("ticket.id = ?", [id])
        guard let ticket = try Ticket.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket \(conditions.sql)"), arguments: conditions.arguments) else {
            throw DeskWriteError.notFound(kind: "ticket", id: id)
        }
        return ticket
    }

    private static func touch(_ ticket: inout Ticket, db: Database, now: Date) throws {
        ticket.updatedAt = now
        try db.execute(sql: "UPDATE ticket SET updated_at = ? WHERE tenant_id = ? AND id = ?", arguments: [now, ticket.tenantID, ticket.id])
    }
}
