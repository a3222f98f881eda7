import Foundation
import GRDB

extension SQLiteServiceDeskStore {
    static let changeOrder = KeysetOrder(
        list: "changes", [("changed_at", ascending: false), ("kind", ascending: false), ("id", ascending: false)]
    )

    public func recentChanges(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<ChangeRecord> {
        try await database.read { db in
            func changed(_ table: String) -> SQLConditions {
                var conditions = SQLConditions()
                conditions.scope(scope, table: table)
                if let customerID { conditions.add("\(table).company_id = ?", [customerID]) }
                conditions.add("\(table).updated_at >= ?", [since])
                return conditions
            }
            let tickets = changed("ticket")
            let alerts = changed("alert")
            var outer = SQLConditions()
            try Self.changeOrder.restrict(&outer, after: request.cursor)
            var arguments = tickets.arguments
            arguments += alerts.arguments
            arguments += outer.arguments
            arguments += [request.limit + 1]
            let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT * FROM (
                        SELECT 'ticket' AS kind, id, company_id, number || ' ' || subject AS title, status, updated_at AS changed_at
                        FROM ticket \(tickets.sql)
                        UNION ALL
                        SELECT 'alert', id, company_id, title, status, updated_at FROM alert \(alerts.sql)
                    ) \(outer.sql) \(Self.changeOrder.orderBy) LIMIT ?
                    """),
                arguments: arguments
            )
            let changes = rows.prefix(request.limit).map { row in
                ChangeRecord(
                    kind: ChangeRecord.Kind(rawValue: row["kind"])!, id: row["id"], companyID: row["company_id"], title: row["title"],
                    status: row["status"], changedAt: row["changed_at"]
                )
            }
            let next = rows.count > request.limit
                ? changes.last.map { Self.changeOrder.cursor(after: [.date($0.changedAt), .text($0.kind.rawValue), .text($0.id)]) } : nil
            return Page(items: changes, nextCursor: next, customerNames: try customerNames(db, ids: changes.map(\.companyID), scope: scope))
        }
    }

    public func searchEverything(
        _ text: String, kinds: [GlobalSearchHit.Kind], limitPerKind: Int, scope: ServiceDeskScope
    ) async throws -> Page<GlobalSearchHit> {
        guard let query = FullTextQuery(text) else { throw ServiceDeskQueryError.searchTermsTooShort }
        return try await database.read { db in
            var hits: [GlobalSearchHit] = []
            for kind in kinds {
                var conditions = SQLConditions()
                let sql: String
                // Whether the SQL starts with the excerpt's own MATCH parameter.
                switch kind {
                case .customer:
                    conditions.scope(scope, table: "company", companyColumn: "id")
                    query.addLike(to: &conditions, columns: ["company.name", "company.domain"])
                    sql = "SELECT 'customer' AS kind, id, id AS company_id, name AS title FROM company \(conditions.sql) ORDER BY name, id LIMIT ?"
                case .device:
                    conditions.scope(scope, table: "asset")
                    query.addLike(to: &conditions, columns: ["asset.name", "asset.serial_number", "asset.os"])
                    sql = "SELECT 'device' AS kind, id, company_id, name || ' (' || kind || ')' AS title FROM asset \(conditions.sql) ORDER BY name, id LIMIT ?"
                case .alert:
                    conditions.scope(scope, table: "alert")
                    query.addLike(to: &conditions, columns: ["alert.title"])
                    sql = "SELECT 'alert' AS kind, id, company_id, title FROM alert \(conditions.sql) ORDER BY created_at DESC, id LIMIT ?"
                case .ticket:
                    // As in searchTickets: the full-text index drives the loop, and excerpts are made for hits only.
                    conditions.add("ticket_search MATCH ?", [query.matchExpression])
                    conditions.scope(scope, table: "ticket")
                    sql = """
                        SELECT 'ticket' AS kind, ticket.*, ticket.number || ' ' || ticket.subject AS title, bm25(ticket_search, 10.0, 8.0, 4.0) AS rank
                        FROM ticket_search CROSS JOIN ticket ON ticket.seq = ticket_search.rowid \(conditions.sql)
                        ORDER BY rank, ticket.seq LIMIT ?
                        """
                case .note:
                    conditions.add("note_search MATCH ?", [query.matchExpression])
                    conditions.add("ticket_note.tenant_id = ?", [scope.tenantID])
                    conditions.scope(scope, table: "ticket")
                    if !scope.seesInternalNotes { conditions.add("ticket_note.visibility = ?", [TicketNote.Visibility.public.rawValue]) }
                    sql = """
                        SELECT 'note' AS kind, ticket_note.seq, ticket_note.id, ticket.company_id, ticket.number || ' ' || ticket.subject AS title,
                            ticket.id AS ticket_id, ticket_note.body AS note_body, bm25(note_search) AS rank
                        FROM note_search
                        CROSS JOIN ticket_note ON ticket_note.seq = note_search.rowid
                        CROSS JOIN ticket ON ticket.tenant_id = ticket_note.tenant_id AND ticket.id = ticket_note.ticket_id
                        \(conditions.sql) ORDER BY rank, ticket_note.seq LIMIT ?
                        """
                }
                var arguments = conditions.arguments
                arguments += [limitPerKind]
                hits += try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
                    let excerpt: String? = switch kind {
                    case .ticket: SearchExcerpt.make(ticket: try Ticket(row: row), terms: query.terms)
                    case .note: SearchExcerpt.make(row["note_body"] ?? "", terms: query.terms)
                    default: nil
                    }
                    return GlobalSearchHit(
                        kind: kind, id: row["id"], companyID: row["company_id"], title: row["title"], ticketID: row["ticket_id"], excerpt: excerpt
                    )
                }
            }
            return Page(items: hits, nextCursor: nil, customerNames: try customerNames(db, ids: hits.map(\.companyID), scope: scope))
        }
    }
}
