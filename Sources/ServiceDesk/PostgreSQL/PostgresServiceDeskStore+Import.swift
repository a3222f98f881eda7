import Foundation
import PostgresNIO
import ToolKit

extension PostgresServiceDeskStore {
    /// Rows per INSERT: each statement carries its rows as one JSON parameter.
    static let importRowsPerStatement = 1000

    /// A row PostgreSQL returned that the desk cannot read (a value outside the model's cases).
    struct UnreadableRow: Error, CustomStringConvertible {
        let table: String
        var description: String { "a row of \(table) could not be read" }
    }

    /// One transaction, holding a lock named after the tenant so two imports into one empty tenant cannot
    /// both find it empty; then each table it filled is vacuumed and analyzed, for the planner.
    public func importRecords(
        batches: Int, intoEmptyTenant tenantID: String, make: @escaping @Sendable (Int) -> ServiceDeskRecords
    ) async throws {
        precondition(batches >= 1, "at least one batch")
        let filled = try await database.transaction { connection in
            let logger = database.logger
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ' import ' || \(tenantID)))", logger: logger)
            let existing = try await connection.query("SELECT count(*) FROM company WHERE tenant_id = \(tenantID)", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            guard existing == 0 else { throw TenantNotEmptyError(tenantID: tenantID, customers: existing) }
            var filled: Set<String> = []
            for batch in 0..<batches {
                filled.formUnion(try await Self.insert(make(batch), into: tenantID, connection, logger: logger))
            }
            return filled
        }
        // Vacuumed as well as analyzed: until a table's first vacuum its visibility map is empty and the planner prices
        // every index-only read as a heap read, and for the minutes before autovacuum came round a prepared read was
        // planned afresh on every call (the status snapshot: 1.3-1.4 ms of PostgreSQL's CPU a call, 0.6 after;
        // README, "Performance").
        for table in filled.sorted() {
            try await database.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"))
        }
    }

    /// Returns the tables it wrote rows to.
    private static func insert(_ records: ServiceDeskRecords, into tenantID: String, _ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        var filled: Set<String> = []
        func insert<Record: Encodable>(_ rows: [Record], into table: String, tenant: KeyPath<Record, String>) async throws {
            precondition(rows.allSatisfy { $0[keyPath: tenant] == tenantID }, "every imported row belongs to the tenant imported into")
            guard !rows.isEmpty else { return }
            try await insertMany(rows, into: table, connection, logger: logger)
            filled.insert(table)
        }
        try await insert(records.companies, into: "company", tenant: \.tenantID)
        try await insert(records.contacts, into: "company_contact", tenant: \.tenantID)
        try await insert(records.sites, into: "company_site", tenant: \.tenantID)
        try await insert(records.assets, into: "asset", tenant: \.tenantID)
        try await insert(records.tickets, into: "ticket", tenant: \.tenantID)
        try await insert(records.notes, into: "ticket_note", tenant: \.tenantID)
        try await insert(records.alerts, into: "alert", tenant: \.tenantID)
        try await insert(records.alertEvents, into: "alert_event", tenant: \.tenantID)
        try await insert(records.contracts, into: "contract", tenant: \.tenantID)
        try await insert(records.backupJobs, into: "backup_job", tenant: \.tenantID)
        try await insert(records.invoices, into: "invoice", tenant: \.tenantID)
        try await insert(records.rules, into: "rule", tenant: \.tenantID)
        try await insert(records.ruleExecutions, into: "rule_execution", tenant: \.tenantID)
        precondition(records.auditEntries.allSatisfy { $0.tenantID == tenantID }, "every imported row belongs to the tenant imported into")
        if !records.auditEntries.isEmpty {
            try await Self.insert(records.auditEntries, connection, logger: logger)
            filled.insert("audit_log")
        }
        return filled
    }

    /// Rows through their Codable keys (`PostgresRowJSON`), `importRowsPerStatement` to a statement, into the
    /// table's columns but those it fills itself (`seq`, search columns); a key a row leaves out is NULL.
    static func insertMany<Record: Encodable>(_ rows: [Record], into table: String, _ connection: PostgresConnection, logger: Logger) async throws {
        guard !rows.isEmpty else { return }
        var columns: [String] = []
        for try await column in try await connection.query(
            """
            SELECT column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = \(table) AND is_identity = 'NO' AND is_generated = 'NEVER'
            ORDER BY ordinal_position
            """, logger: logger
        ).decode(String.self) {
            columns.append("\"\(column)\"")
        }
        let list = columns.joined(separator: ", ")
        let encoder = PostgresRowJSON.encoder()
        for start in stride(from: 0, to: rows.count, by: importRowsPerStatement) {
            let json = String(decoding: try encoder.encode(Array(rows[start..<min(start + importRowsPerStatement, rows.count)])), as: UTF8.self)
            try await connection.query(
                PostgresQuery(sql: "INSERT INTO \(table) (\(list)) SELECT \(list) FROM json_populate_recordset(NULL::\(table), ?::json)", [.text(json)]),
                logger: logger)
        }
    }
}
