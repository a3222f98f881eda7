import Foundation
import PostgresNIO
import ToolKit

extension PostgresServiceDeskStore {
    public func tickets(_ filter: TicketFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Ticket> {
        let (items, next) = try await page(
            Ticket.self, from: "ticket", anyOf: filter.perAssignee.map { SQLConditions.tickets($0, scope: scope, dialect: .postgres) }, order: .tickets,
            page: request, key: KeysetOrder.ticketKey)
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func ticket(id: String, noteLimit: Int, scope: ServiceDeskScope) async throws -> TicketDetail? {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "ticket")
        conditions.add("ticket.id = ?", [id])
        guard let ticket = try await fetch(Ticket.self, from: "ticket", conditions).first else { return nil }
        var notes = SQLConditions()
        notes.add("tenant_id = ? AND ticket_id = ?", [ticket.tenantID, ticket.id])
        if !scope.seesInternalNotes { notes.add("visibility = ?", [TicketNote.Visibility.public.rawValue]) }
        return TicketDetail(
            ticket: ticket,
            customerName: try await customerNames(ids: [ticket.companyID], scope: scope)[ticket.companyID] ?? "",
            notes: try await fetch(TicketNote.self, from: "ticket_note", notes, "ORDER BY created_at DESC, seq DESC LIMIT ?", [.int(Int64(noteLimit))]),
            visibleNoteCount: try await count(from: "ticket_note", notes))
    }

    public func auditEntries(ticketID: String, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<AuditEntry>? {
        var visible = SQLConditions()
        visible.scope(scope, table: "ticket")
        visible.add("ticket.id = ?", [ticketID])
        guard try await count(from: "ticket", visible) == 1 else { return nil }
        var conditions = SQLConditions()
        conditions.add("audit_log.tenant_id = ? AND audit_log.ticket_id = ?", [scope.tenantID, ticketID])
        let order = KeysetOrder.ticketAudit
        try order.restrict(&conditions, after: request.cursor)
        let rows = try await database.query(
            PostgresQuery(
                sql: "SELECT \(Self.selectColumns) FROM audit_log \(conditions.sql) \(order.orderBy) LIMIT ?", conditions.values + [.int(Int64(request.limit + 1))])
        ).collect().map(Self.entry)
        let (items, next) = order.page(rows, limit: request.limit) { [.int($0.position)] }
        return Page(items: items.map(\.entry), nextCursor: next, customerNames: [:])
    }
}
