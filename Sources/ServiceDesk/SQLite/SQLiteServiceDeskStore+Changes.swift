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
        let (ticket, note, report) = DeskChangeRules.newTicket(new, number: highest + 1, scope: scope, actor: actor, now: now)
        try ticket.insert(db)
        try note.insert(db)
        return report
    }

    private static func addNote(
        _ ticketID: String, _ visibility: TicketNote.Visibility, _ body: String, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        try DeskChangeRules.checkNoteVisibility(visibility, scope: scope)
        let (ticket, note, report) = try DeskChangeRules.addedNote(
            to: try visibleTicket(ticketID, db: db, scope: scope), visibility, body, scope: scope, actor: actor, now: now)
        try note.insert(db)
        try db.execute(sql: "UPDATE ticket SET updated_at = ? WHERE tenant_id = ? AND id = ?", arguments: [now, ticket.tenantID, ticket.id])
        return report
    }

    private static func setTicketStatus(
        _ ticketID: String, _ status: Ticket.Status, note body: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        let (ticket, note, report) = try DeskChangeRules.statusChange(
            of: try visibleTicket(ticketID, db: db, scope: scope), to: status, note: body, scope: scope, actor: actor, now: now)
        try db.execute(
            sql: "UPDATE ticket SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
            arguments: [status.rawValue, now, ticket.tenantID, ticket.id]
        )
        try note?.insert(db)
        return report
    }

    private static func updateAlert(
        _ alertID: String, _ action: AlertEvent.Action, note: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date
    ) throws -> DeskWriteReport {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "alert")
        conditions.add("alert.id = ?", [alertID])
        guard let alert = try Alert.fetchOne(db.cachedStatement(sql: "SELECT * FROM alert \(conditions.sql)"), arguments: conditions.arguments) else {
            throw DeskWriteError.notFound(kind: "alert", id: alertID)
        }
        let (changed, event, report) = try DeskChangeRules.alertChange(of: alert, action, note: note, scope: scope, actor: actor, now: now)
        try db.execute(
            sql: "UPDATE alert SET status = ?, updated_at = ? WHERE tenant_id = ? AND id = ?",
            arguments: [changed.status.rawValue, now, changed.tenantID, changed.id]
        )
        try event.insert(db)
        return report
    }

    private static func runRule(_ ruleID: String, customerID: String?, db: Database, scope: ServiceDeskScope, actor: String, now: Date) throws -> DeskWriteReport {
        guard let rule = try Rule.fetchOne(db.cachedStatement(sql: "SELECT * FROM rule WHERE tenant_id = ? AND id = ?"), arguments: [scope.tenantID, ruleID]) else {
            throw DeskWriteError.notFound(kind: "rule", id: ruleID)
        }
        try DeskChangeRules.checkRuleEnabled(rule)
        let target = DeskChangeRules.ruleTarget(customerID, scope: scope)
        if let target {
            var customer = SQLConditions()
            customer.scope(scope, table: "company", companyColumn: "id")
            customer.add("company.id = ?", [target])
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM company \(customer.sql)"), arguments: customer.arguments) == 1 else {
                throw DeskWriteError.notFound(kind: "customer", id: target)
            }
        }
        let (execution, report) = DeskChangeRules.ruleRun(rule, target: target, scope: scope, actor: actor, now: now)
        try execution.insert(db)
        return report
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
}
