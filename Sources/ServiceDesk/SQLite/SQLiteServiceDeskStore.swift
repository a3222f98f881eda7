import Foundation
import GRDB
import Shared
import ToolKit

/// The service desk in the resource-server's SQLite database (`resource.sqlite`, WAL mode). Reads run on
/// `SQLiteDatabase`'s readers; the import runs in one write transaction.
public struct SQLiteServiceDeskStore: ServiceDeskStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) { self.database = database }

    /// One page of a keyset-ordered list: the rows after the cursor, and a cursor when more follow.
    func page<Item: FetchableRecord>(
        _ db: Database, select: String, conditions: SQLConditions, order: KeysetOrder, page: PageRequest,
        keyValues: (Item) -> [KeysetOrder.Value]
    ) throws -> (items: [Item], nextCursor: String?) {
        try self.page(db, select: select, anyOf: [conditions], order: order, page: page, keyValues: keyValues)
    }

    /// One page of the rows meeting any of the alternatives, which no row meets twice: each is fetched apart,
    /// as far as the page needs, and the lists merged.
    func page<Item: FetchableRecord>(
        _ db: Database, select: String, anyOf alternatives: [SQLConditions], order: KeysetOrder, page: PageRequest,
        keyValues: (Item) -> [KeysetOrder.Value]
    ) throws -> (items: [Item], nextCursor: String?) {
        let runs = try order.runs(for: page)
        let lists = try alternatives.map { alternative in
            var items: [Item] = []
            for run in runs where items.count <= page.limit {
                var conditions = alternative
                conditions.add(run.conditions)
                var arguments = conditions.arguments
                arguments += [page.limit + 1 - items.count]
                items += try Item.fetchAll(db.cachedStatement(sql: "\(select) \(conditions.sql) \(run.orderBy) LIMIT ?"), arguments: arguments)
            }
            return items
        }
        return order.page(order.merged(lists, key: keyValues), limit: page.limit, key: keyValues)
    }

    /// Names of the given customers, within the scope.
    func customerNames(_ db: Database, ids: some Sequence<String>, scope: ServiceDeskScope) throws -> [String: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var conditions = SQLConditions()
        conditions.scope(scope, table: "company", companyColumn: "id")
        conditions.any("company.id", in: unique)
        let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, name FROM company \(conditions.sql)"), arguments: conditions.arguments)
        return Dictionary(rows.map { ($0["id"], $0["name"]) }, uniquingKeysWith: { first, _ in first })
    }

    func count(_ db: Database, from table: String, _ conditions: SQLConditions) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(table) \(conditions.sql)"), arguments: conditions.arguments) ?? 0
    }

    public func counts(tenantID: String) async throws -> ServiceDeskCounts {
        try await database.isolatedRead { db in
            func count(_ table: String) throws -> Int {
                try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM \(table) WHERE tenant_id = ?"), arguments: [tenantID]) ?? 0
            }
            var counts = ServiceDeskCounts()
            counts.companies = try count("company")
            counts.contacts = try count("company_contact")
            counts.sites = try count("company_site")
            counts.tickets = try count("ticket")
            counts.notes = try count("ticket_note")
            counts.assets = try count("asset")
            counts.alerts = try count("alert")
            counts.alertEvents = try count("alert_event")
            counts.contracts = try count("contract")
            counts.backupJobs = try count("backup_job")
            counts.invoices = try count("invoice")
            counts.rules = try count("rule")
            counts.ruleExecutions = try count("rule_execution")
            counts.auditEntries = try count("audit_log")
            return counts
        }
    }
}

// Rows map to the models through their Codable keys, which are the column names.
extension Company: FetchableRecord, PersistableRecord { public static let databaseTableName = "company" }
extension CompanyContact: FetchableRecord, PersistableRecord { public static let databaseTableName = "company_contact" }
extension CompanySite: FetchableRecord, PersistableRecord { public static let databaseTableName = "company_site" }
extension Ticket: FetchableRecord, PersistableRecord { public static let databaseTableName = "ticket" }
extension TicketNote: FetchableRecord, PersistableRecord { public static let databaseTableName = "ticket_note" }
extension Alert: FetchableRecord, PersistableRecord { public static let databaseTableName = "alert" }
extension AlertEvent: FetchableRecord, PersistableRecord { public static let databaseTableName = "alert_event" }
extension Asset: FetchableRecord, PersistableRecord { public static let databaseTableName = "asset" }
extension Contract: FetchableRecord, PersistableRecord { public static let databaseTableName = "contract" }
extension BackupJob: FetchableRecord, PersistableRecord { public static let databaseTableName = "backup_job" }
extension Invoice: FetchableRecord, PersistableRecord { public static let databaseTableName = "invoice" }
extension Rule: FetchableRecord, PersistableRecord { public static let databaseTableName = "rule" }
extension RuleExecution: FetchableRecord, PersistableRecord { public static let databaseTableName = "rule_execution" }
extension AuditEntry: FetchableRecord, PersistableRecord { public static let databaseTableName = "audit_log" }
