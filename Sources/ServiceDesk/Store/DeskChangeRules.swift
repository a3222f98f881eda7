import Foundation
import Shared

/// What each write does to the records it found, and the report it gives: the same on both engines, which
/// only look the records up (within the scope) and store what these return.
enum DeskChangeRules {
    static func newTicket(_ new: NewTicket, number: Int, scope: ServiceDeskScope, actor: String, now: Date) -> (Ticket, TicketNote, DeskWriteReport) {
        let ticket = Ticket(
            tenantID: scope.tenantID, id: "tkt_" + RandomIdentifier.make(bytes: 9), number: "T-\(number)", companyID: new.customerID,
            subject: new.subject, status: .new, priority: new.priority, requesterEmail: new.requesterEmail, assignee: nil, assetID: new.assetID,
            createdAt: now, updatedAt: now
        )
        let note = self.note(on: ticket, .public, new.description, scope: scope, actor: actor, now: now)
        let changes = [
            FieldChange(record: "ticket", id: ticket.id, field: "created", from: nil, to: ticket.number),
            FieldChange(record: "note", id: note.id, field: "created", from: nil, to: "public reply"),
        ]
        let report = DeskWriteReport(
            summary: "Opened \(ticket.number) for customer \(ticket.companyID): \(ticket.subject)", changes: changes, customerID: ticket.companyID,
            ticket: ticket, note: note
        )
        return (ticket, note, report)
    }

    /// The note to add, after checking the caller may add it there; the ticket comes back touched.
    static func addedNote(
        to ticket: Ticket, _ visibility: TicketNote.Visibility, _ body: String, scope: ServiceDeskScope, actor: String, now: Date
    ) throws(DeskWriteError) -> (Ticket, TicketNote, DeskWriteReport) {
        guard ticket.status != .closed else {
            throw .conflict("\(ticket.number) is closed; open a new ticket, or reopen it with update_ticket_status first")
        }
        var ticket = ticket
        ticket.updatedAt = now
        let note = self.note(on: ticket, visibility, body, scope: scope, actor: actor, now: now)
        let kind = visibility == .public ? "public reply" : "internal note"
        let report = DeskWriteReport(
            summary: "Added a \(kind) to \(ticket.number)", changes: [FieldChange(record: "note", id: note.id, field: "created", from: nil, to: kind)],
            customerID: ticket.companyID, ticket: ticket, note: note
        )
        return (ticket, note, report)
    }

    /// Company users add public replies only; checked before the ticket is looked up.
    static func checkNoteVisibility(_ visibility: TicketNote.Visibility, scope: ServiceDeskScope) throws(DeskWriteError) {
        if visibility == .internal, !scope.seesInternalNotes { throw .conflict("internal notes are for the service provider's staff only") }
    }

    static func statusChange(
        of ticket: Ticket, to status: Ticket.Status, note body: String?, scope: ServiceDeskScope, actor: String, now: Date
    ) throws(DeskWriteError) -> (Ticket, TicketNote?, DeskWriteReport) {
        var ticket = ticket
        let previous = ticket.status
        guard previous != status else { throw .conflict("\(ticket.number) is already \(status.rawValue); nothing to change") }
        ticket.status = status
        ticket.updatedAt = now
        var changes = [FieldChange(record: "ticket", id: ticket.id, field: "status", from: previous.rawValue, to: status.rawValue)]
        let note = body.map { self.note(on: ticket, .public, $0, scope: scope, actor: actor, now: now) }
        if let note { changes.append(FieldChange(record: "note", id: note.id, field: "created", from: nil, to: "public reply")) }
        let report = DeskWriteReport(
            summary: "\(ticket.number) is now \(status.rawValue) (was \(previous.rawValue))", changes: changes, customerID: ticket.companyID,
            ticket: ticket, note: note
        )
        return (ticket, note, report)
    }

    static func alertChange(
        of alert: Alert, _ action: AlertEvent.Action, note: String?, scope: ServiceDeskScope, actor: String, now: Date
    ) throws(DeskWriteError) -> (Alert, AlertEvent, DeskWriteReport) {
        var alert = alert
        let previous = alert.status
        switch action {
        case .acknowledged:
            guard previous == .open else { throw .conflict("alert \(alert.id) is \(previous.rawValue); only open alerts can be acknowledged") }
            alert.status = .acknowledged
        case .resolved:
            guard previous != .resolved else { throw .conflict("alert \(alert.id) is already resolved") }
            alert.status = .resolved
        case .reopened:
            guard previous == .resolved else { throw .conflict("alert \(alert.id) is \(previous.rawValue), not resolved") }
            alert.status = .open
        }
        alert.updatedAt = now
        let event = AlertEvent(
            tenantID: scope.tenantID, id: "ale_" + RandomIdentifier.make(bytes: 9), alertID: alert.id, action: action, actor: actor, note: note, occurredAt: now
        )
        let report = DeskWriteReport(
            summary: "Alert \"\(alert.title)\" is now \(alert.status.rawValue) (was \(previous.rawValue))",
            changes: [FieldChange(record: "alert", id: alert.id, field: "status", from: previous.rawValue, to: alert.status.rawValue)],
            customerID: alert.companyID, alert: alert
        )
        return (alert, event, report)
    }

    static func checkRuleEnabled(_ rule: Rule) throws(DeskWriteError) {
        guard rule.enabled else { throw .conflict("rule \"\(rule.name)\" is disabled; an administrator must enable it before it runs") }
    }

    /// A company-scoped caller runs a rule for their own company only.
    static func ruleTarget(_ customerID: String?, scope: ServiceDeskScope) -> String? { customerID ?? scope.companyID }

    static func ruleRun(_ rule: Rule, target: String?, scope: ServiceDeskScope, actor: String, now: Date) -> (RuleExecution, DeskWriteReport) {
        let execution = RuleExecution(
            tenantID: scope.tenantID, id: "rex_" + RandomIdentifier.make(bytes: 9), ruleID: rule.id, companyID: target, startedAt: now,
            finishedAt: now, outcome: .succeeded,
            summary: "Run on request by \(actor)\(target.map { " for \($0)" } ?? " for every customer"): \(rule.action)"
        )
        let report = DeskWriteReport(
            summary: "Ran rule \"\(rule.name)\"\(target.map { " for \($0)" } ?? " for every customer")",
            changes: [FieldChange(record: "rule_execution", id: execution.id, field: "created", from: nil, to: execution.outcome.rawValue)],
            customerID: target, ruleExecution: execution
        )
        return (execution, report)
    }

    private static func note(
        on ticket: Ticket, _ visibility: TicketNote.Visibility, _ body: String, scope: ServiceDeskScope, actor: String, now: Date
    ) -> TicketNote {
        TicketNote(
            tenantID: scope.tenantID, id: "nte_" + RandomIdentifier.make(bytes: 9), ticketID: ticket.id, author: actor, visibility: visibility, body: body,
            createdAt: now)
    }
}
