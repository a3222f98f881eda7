import Foundation
import PostgresNIO
import Shared

/// The service desk on PostgreSQL, in the resource-server's schema (`gatehouse_resource`), on the pool the
/// resource-server's other tables use. Its files follow the SQLite store's, each checked by
/// `ServiceDeskStoreContract`; conditions, list orders and cursors are the same code on both engines.
public struct PostgresServiceDeskStore: ServiceDeskStore, Sendable {
    let database: PostgresSchemaPool
    /// The tenant's newest rows a word stage of search reads before asking its index (`newestFirst`); tests make it
    /// small to check both paths give the same answers.
    let searchWindow: Int

    public init(database: PostgresSchemaPool) { self.init(database: database, searchWindow: 4096) }

    init(database: PostgresSchemaPool, searchWindow: Int) {
        self.database = database
        self.searchWindow = searchWindow
    }

    /// Rows of one table, read through the model's Codable keys (`PostgresRowDecoder`), by a statement planned once
    /// per connection (`PostgresStatementNames`): these reads are keyed or keyset pages, whose plan does not hang on
    /// the values. One that binds a NULL runs unnamed.
    func fetch<Item: Decodable>(
        _ type: Item.Type, from table: String, _ conditions: SQLConditions, _ tail: String = "", _ tailValues: [SQLValue] = []
    ) async throws -> [Item] {
        let values = conditions.values + tailValues
        let statement = PostgresQuery(sql: "SELECT \(table).* FROM \(table) \(conditions.sql) \(tail)", values)
        let rows = values.contains(.null) ? try await database.query(statement).collect() : try await database.preparedRows(statement)
        return try rows.map { try PostgresRowDecoder.decode(Item.self, from: $0.makeRandomAccess()) }
    }

    /// On `connection` when given (a search's stages lease one each), else on whichever the pool has free.
    func query(_ query: PostgresQuery, on connection: PostgresConnection?) async throws -> PostgresRowSequence {
        if let connection { try await connection.query(query, logger: database.logger) } else { try await database.query(query) }
    }

    /// One page of a keyset-ordered list of one table: the rows after the cursor, and a cursor when more follow.
    func page<Item: Decodable>(
        _ type: Item.Type, from table: String, _ conditions: SQLConditions, order: KeysetOrder, page: PageRequest,
        key: (Item) -> [KeysetOrder.Value]
    ) async throws -> (items: [Item], nextCursor: String?) {
        try await self.page(type, from: table, anyOf: [conditions], order: order, page: page, key: key)
    }

    /// One page of the rows meeting any of the alternatives, which no row meets twice: each is fetched apart,
    /// as far as the page needs, and the lists merged.
    func page<Item: Decodable>(
        _ type: Item.Type, from table: String, anyOf alternatives: [SQLConditions], order: KeysetOrder, page: PageRequest,
        key: (Item) -> [KeysetOrder.Value]
    ) async throws -> (items: [Item], nextCursor: String?) {
        let runs = try order.runs(for: page)
        var lists: [[Item]] = []
        for alternative in alternatives {
            var items: [Item] = []
            for run in runs where items.count <= page.limit {
                var conditions = alternative
                conditions.add(run.conditions)
                items += try await fetch(Item.self, from: table, conditions, "\(run.orderBy) LIMIT ?", [.int(Int64(page.limit + 1 - items.count))])
            }
            lists.append(items)
        }
        return order.page(order.merged(lists, key: key), limit: page.limit, key: key)
    }

    /// Names of the given customers, within the scope.
    func customerNames(ids: some Sequence<String>, scope: ServiceDeskScope, on connection: PostgresConnection? = nil) async throws -> [String: String] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        var conditions = SQLConditions()
        conditions.scope(scope, table: "company", companyColumn: "id")
        conditions.any("company.id", in: unique)
        var names: [String: String] = [:]
        for try await (id, name) in try await query(PostgresQuery(sql: "SELECT id, name FROM company \(conditions.sql)", conditions.values), on: connection)
            .decode((String, String).self)
        {
            names[id] = name
        }
        return names
    }

    func count(from table: String, _ conditions: SQLConditions) async throws -> Int {
        try await database.query(PostgresQuery(sql: "SELECT count(*) FROM \(table) \(conditions.sql)", conditions.values)).collect().first?.decode(Int.self) ?? 0
    }

    public func counts(tenantID: String) async throws -> ServiceDeskCounts {
        let tables = [
            "company", "company_contact", "company_site", "ticket", "ticket_note", "asset", "alert", "alert_event", "contract", "backup_job",
            "invoice", "rule", "rule_execution", "audit_log",
        ]
        let sql = "SELECT " + tables.map { "(SELECT count(*) FROM \($0) WHERE tenant_id = $1)" }.joined(separator: ", ")
        let row = try await database.query(PostgresQuery(unsafeSQL: sql, binds: { var binds = PostgresBindings(); binds.append(tenantID); return binds }()))
            .collect()[0]
        let values = try row.decode((Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int).self)
        var counts = ServiceDeskCounts()
        (
            counts.companies, counts.contacts, counts.sites, counts.tickets, counts.notes, counts.assets, counts.alerts, counts.alertEvents,
            counts.contracts, counts.backupJobs, counts.invoices, counts.rules, counts.ruleExecutions, counts.auditEntries
        ) = values
        return counts
    }

    /// The desk's steps, run after the host's own (`PostgresResourceStorage.migrations`) in the same schema.
    public static let migrations = [
        // `seq` is the export position; `appendAudit` makes it follow commit order (see there). No
        // foreign keys: the log outlives what it mentions.
        PostgresMigration(
            "desk1: audit log",
            [
                """
                CREATE TABLE audit_log (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    occurred_at TIMESTAMPTZ NOT NULL,
                    tool TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    grant_id TEXT NOT NULL,
                    token_kind TEXT NOT NULL,
                    argument_digest TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    dry_run BOOLEAN NOT NULL,
                    duration_ms BIGINT NOT NULL,
                    ticket_id TEXT,
                    company_id TEXT,
                    actor_email TEXT,
                    client_address TEXT
                )
                """,
                "CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, seq)",
                "CREATE INDEX audit_log_by_ticket ON audit_log (tenant_id, ticket_id, seq) WHERE ticket_id IS NOT NULL",
                "CREATE INDEX audit_log_by_grant ON audit_log (tenant_id, grant_id, seq)",
                "CREATE INDEX audit_log_by_subject ON audit_log (tenant_id, subject, seq)",
                "CREATE INDEX audit_log_by_time ON audit_log (occurred_at)",
            ]),
        tables,
        search,
        foldedSearch,
        openWork,
        openQueue,
        newestRows,
        searchVocabulary,
    ]
}
