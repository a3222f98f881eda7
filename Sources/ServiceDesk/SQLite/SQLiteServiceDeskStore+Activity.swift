import Foundation
import GRDB

extension SQLiteServiceDeskStore {
    public func recentChanges(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<ChangeRecord> {
        try await database.isolatedRead { db in
            func changed(_ table: String) -> SQLConditions {
                var conditions = SQLConditions()
                conditions.scope(scope, table: table)
                if let customerID { conditions.add("\(table).company_id = ?", [customerID]) }
                conditions.add("\(table).updated_at >= ?", [since])
                return conditions
            }
            var after = SQLConditions()
            try KeysetOrder.changes.restrict(&after, after: request.cursor)
            // Each side takes its own page first, from its index in change order; the union is then at
            // most twice a page, whatever the window or the desk's size.
            func side(_ select: String, _ table: String) -> (sql: String, values: [(any DatabaseValueConvertible)?]) {
                let conditions = changed(table)
                return (
                    "SELECT * FROM (SELECT * FROM (\(select) FROM \(table) \(conditions.sql)) \(after.sql) \(KeysetOrder.changes.orderBy) LIMIT ?)",
                    conditions.databaseValues + after.databaseValues + [request.limit + 1]
                )
            }
            let tickets = side("SELECT 'ticket' AS kind, id, company_id, number || ' ' || subject AS title, status, updated_at AS changed_at", "ticket")
            let alerts = side("SELECT 'alert' AS kind, id, company_id, title, status, updated_at AS changed_at", "alert")
            let rows = try Row.fetchAll(db.cachedStatement(sql: "\(tickets.sql) UNION ALL \(alerts.sql) \(KeysetOrder.changes.orderBy) LIMIT ?"),
                arguments: StatementArguments(tickets.values + alerts.values + [request.limit + 1])
            )
            let changes = rows.prefix(request.limit).map { row in
                ChangeRecord(
                    kind: ChangeRecord.Kind(rawValue: row["kind"])!, id: row["id"], companyID: row["company_id"], title: row["title"],
                    status: row["status"], changedAt: row["changed_at"]
                )
            }
            let next = rows.count > request.limit
                ? changes.last.map { KeysetOrder.changes.cursor(after: [.date($0.changedAt), .text($0.kind.rawValue), .text($0.id)]) } : nil
            return Page(items: changes, nextCursor: next, customerNames: try customerNames(db, ids: changes.map(\.companyID), scope: scope))
        }
    }
}
