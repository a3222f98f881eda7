import Foundation
import GRDB
import ToolKit

extension SQLiteServiceDeskStore {
    public func tickets(_ filter: TicketFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Ticket> {
        try await database.isolatedRead { db in
            let (items, next): ([Ticket], String?) = try page(
                db, select: "SELECT ticket.* FROM ticket", anyOf: filter.perAssignee.map { SQLConditions.tickets($0, scope: scope, dialect: .sqlite) },
                order: KeysetOrder.tickets, page: request, keyValues: KeysetOrder.ticketKey
            )
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }

    public func ticket(id: String, noteLimit: Int, scope: ServiceDeskScope) async throws -> TicketDetail? {
        try await database.isolatedRead { db in
            var conditions = SQLConditions()
            conditions.scope(scope, table: "ticket")
            conditions.add("ticket.id = ?", [id])
            guard let ticket = try Ticket.fetchOne(db.cachedStatement(sql: "SELECT * FROM ticket \(conditions.sql)"), arguments: conditions.arguments) else {
                return nil
            }
            var notes = SQLConditions()
            notes.add("tenant_id = ? AND ticket_id = ?", [ticket.tenantID, ticket.id])
            if !scope.seesInternalNotes { notes.add("visibility = ?", [TicketNote.Visibility.public.rawValue]) }
            var arguments = notes.arguments
            arguments += [noteLimit]
            return TicketDetail(
                ticket: ticket,
                customerName: try customerNames(db, ids: [ticket.companyID], scope: scope)[ticket.companyID] ?? "",
                notes: try TicketNote.fetchAll(db.cachedStatement(sql: "SELECT * FROM ticket_note \(notes.sql) ORDER BY created_at DESC, seq DESC LIMIT ?"), arguments: arguments),
                visibleNoteCount: try count(db, from: "ticket_note", notes)
            )
        }
    }

    public func auditEntries(ticketID: String, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<AuditEntry>? {
        try await database.isolatedRead { db in
            var visible = SQLConditions()
            visible.scope(scope, table: "ticket")
            visible.add("ticket.id = ?", [ticketID])
            guard try count(db, from: "ticket", visible) == 1 else { return nil }
            var conditions = SQLConditions()
            conditions.add("audit_log.tenant_id = ? AND audit_log.ticket_id = ?", [scope.tenantID, ticketID])
            let order = KeysetOrder.ticketAudit
            try order.restrict(&conditions, after: request.cursor)
            var arguments = conditions.arguments
            arguments += [request.limit + 1]
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT audit_log.* FROM audit_log \(conditions.sql) \(order.orderBy) LIMIT ?"), arguments: arguments
            )
            let entries = try rows.prefix(request.limit).map { try AuditEntry(row: $0) }
            let next = rows.count > request.limit ? order.cursor(after: [.int(rows[request.limit - 1]["seq"])]) : nil
            return Page(items: entries, nextCursor: next, customerNames: [:])
        }
    }
}
