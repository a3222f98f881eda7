import Foundation
import PostgresNIO
import Shared

extension PostgresServiceDeskStore {
    public func recentChanges(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<ChangeRecord> {
        var after = SQLConditions()
        try KeysetOrder.changes.restrict(&after, after: request.cursor)
        // Each side takes its own page first, from its index in change order; the union is then at most
        // twice a page, whatever the window or the desk's size.
        func side(_ select: String, _ table: String) -> (sql: String, values: [SQLValue]) {
            var conditions = SQLConditions()
            conditions.scope(scope, table: table)
            if let customerID { conditions.add("\(table).company_id = ?", [customerID]) }
            conditions.add("\(table).updated_at >= ?", [since])
            return (
                "(SELECT * FROM (\(select) FROM \(table) \(conditions.sql)) AS changed \(after.sql) \(KeysetOrder.changes.orderBy) LIMIT ?)",
                conditions.values + after.values + [.int(Int64(request.limit + 1))]
            )
        }
        let tickets = side("SELECT 'ticket' AS kind, id, company_id, number || ' ' || subject AS title, status, updated_at AS changed_at", "ticket")
        let alerts = side("SELECT 'alert' AS kind, id, company_id, title, status, updated_at AS changed_at", "alert")
        let query = PostgresQuery(
            sql: "SELECT kind, id, company_id, title, status, changed_at FROM (\(tickets.sql) UNION ALL \(alerts.sql)) AS changes "
                + "\(KeysetOrder.changes.orderBy) LIMIT ?",
            tickets.values + alerts.values + [.int(Int64(request.limit + 1))])
        var rows: [ChangeRecord] = []
        for try await (kind, id, companyID, title, status, changedAt) in try await database.query(query).decode((String, String, String, String, String, PostgresInstant).self) {
            guard let kind = ChangeRecord.Kind(rawValue: kind) else {
                throw PostgresServiceDeskStore.UnreadableRow(table: "changes")
            }
            rows.append(ChangeRecord(kind: kind, id: id, companyID: companyID, title: title, status: status, changedAt: changedAt.date))
        }
        let (changes, next) = KeysetOrder.changes.page(rows, limit: request.limit) { [.date($0.changedAt), .text($0.kind.rawValue), .text($0.id)] }
        return Page(items: changes, nextCursor: next, customerNames: try await customerNames(ids: changes.map(\.companyID), scope: scope))
    }
}
