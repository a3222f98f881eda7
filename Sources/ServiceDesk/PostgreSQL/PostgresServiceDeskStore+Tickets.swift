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

    /// One statement (`PostgresJSONColumns`): the ticket with its customer's name and how many notes the scope may
    /// see, and the newest of those notes. The notes are read by the id asked for within the scope's tenant, and
    /// returned only when the ticket itself is within the scope.
    public func ticket(id: String, noteLimit: Int, scope: ServiceDeskScope) async throws -> TicketDetail? {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "ticket")
        conditions.add("ticket.id = ?", [id])
        var notes = SQLConditions()
        notes.add("ticket_note.tenant_id = ? AND ticket_note.ticket_id = ?", [scope.tenantID, id])
        if !scope.seesInternalNotes { notes.add("ticket_note.visibility = ?", [TicketNote.Visibility.public.rawValue]) }
        var columns = PostgresJSONColumns()
        columns.row(
            "ticket",
            """
            SELECT ticket.*,
                (SELECT company.name FROM company WHERE company.tenant_id = ticket.tenant_id AND company.id = ticket.company_id) AS customer_name,
                (SELECT count(*) FROM ticket_note \(notes.sql)) AS visible_note_count
            FROM ticket \(conditions.sql)
            """,
            notes.values + conditions.values)
        columns.rows("notes", of: "ticket_note", notes, "ORDER BY created_at DESC, seq DESC", limit: noteLimit)
        let row = try await columns.read(on: database)
        guard let found = try row.value(TicketWithCounts.self, "ticket") else { return nil }
        return TicketDetail(ticket: found.ticket, customerName: found.customerName ?? "", notes: try row.list("notes"), visibleNoteCount: found.visibleNoteCount)
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

/// A ticket's row with its customer's name and its visible notes' count beside it, as `ticket(id:noteLimit:scope:)`
/// reads them.
private struct TicketWithCounts: Decodable {
    let ticket: Ticket
    let customerName: String?
    let visibleNoteCount: Int

    enum CodingKeys: String, CodingKey {
        case customerName = "customer_name", visibleNoteCount = "visible_note_count"
    }

    init(from decoder: any Decoder) throws {
        ticket = try Ticket(from: decoder)
        let columns = try decoder.container(keyedBy: CodingKeys.self)
        customerName = try columns.decodeIfPresent(String.self, forKey: .customerName)
        visibleNoteCount = try columns.decode(Int.self, forKey: .visibleNoteCount)
    }
}
