import Dispatch
import GRDB
import ToolKit

extension SQLiteServiceDeskStore {
    /// Rows per INSERT: one statement per row cost more than the rows themselves; 64 rows of the widest
    /// table stay far below SQLite's limit on bound parameters.
    static let importRowsPerStatement = 64
    /// The writer's page cache while importing: the tables' indexes take rows in random key order, and
    /// with SQLite's default 2 MB cache most of those inserts wait on pages spilled and read back.
    static let importCacheKiB = 512 * 1024

    /// One transaction: the search indexes' triggers are dropped, the rows go in by many-row INSERTs, and
    /// each index is rebuilt from its table in one pass before the triggers return; then the planner's
    /// statistics are renewed for the new sizes. The next batch is
    /// made on another thread while the current one is inserted.
    public func importRecords(
        batches: Int, intoEmptyTenant tenantID: String, make: @escaping @Sendable (Int) -> ServiceDeskRecords
    ) async throws {
        precondition(batches >= 1, "at least one batch")
        try await database.isolatedWrite { db in
            let existing = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM company WHERE tenant_id = ?"), arguments: [tenantID]) ?? 0
            guard existing == 0 else { throw TenantNotEmptyError(tenantID: tenantID, customers: existing) }
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -\(Self.importCacheKiB)")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            for index in SearchIndex.current { try index.dropTriggers(db) }
            var next = Prefetch(make, 0)
            for batch in 0..<batches {
                let records = next.value()
                if batch + 1 < batches { next = Prefetch(make, batch + 1) }
                try Self.insert(records, into: tenantID, db)
            }
            for index in SearchIndex.current {
                try index.rebuild(db)
                try index.createTriggers(db)
            }
            try ServiceDeskSchema.analyze(db)
        }
    }

    private static func insert(_ records: ServiceDeskRecords, into tenantID: String, _ db: Database) throws {
        func insert<Record: PersistableRecord>(_ rows: [Record], tenant: KeyPath<Record, String>) throws {
            precondition(rows.allSatisfy { $0[keyPath: tenant] == tenantID }, "every imported row belongs to the tenant imported into")
            try insertMany(rows, db)
        }
        try insert(records.companies, tenant: \.tenantID)
        try insert(records.contacts, tenant: \.tenantID)
        try insert(records.sites, tenant: \.tenantID)
        try insert(records.assets, tenant: \.tenantID)
        try insert(records.tickets, tenant: \.tenantID)
        try insert(records.notes, tenant: \.tenantID)
        try insert(records.alerts, tenant: \.tenantID)
        try insert(records.alertEvents, tenant: \.tenantID)
        try insert(records.contracts, tenant: \.tenantID)
        try insert(records.backupJobs, tenant: \.tenantID)
        try insert(records.invoices, tenant: \.tenantID)
        try insert(records.rules, tenant: \.tenantID)
        try insert(records.ruleExecutions, tenant: \.tenantID)
        precondition(records.auditEntries.allSatisfy { $0.tenantID == tenantID }, "every imported row belongs to the tenant imported into")
        try Self.insert(records.auditEntries, db)
    }

    /// The records as `insert` would store them, `importRowsPerStatement` to a statement. Columns the
    /// model leaves out are left to the table (`seq`); a nil optional is stored as NULL.
    private static func insertMany<Record: PersistableRecord>(_ rows: [Record], _ db: Database) throws {
        guard let first = rows.first else { return }
        let present = try first.databaseDictionary
        let columns = try db.columns(in: Record.databaseTableName).filter { present[$0.name] != nil || ($0.name != "seq" && !$0.isNotNull) }.map(\.name)
        func statement(rows count: Int) throws -> Statement {
            let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            return try db.cachedStatement(sql: """
                INSERT INTO \(Record.databaseTableName) (\(columns.map { "\"\($0)\"" }.joined(separator: ", "))) \
                VALUES \(Array(repeating: row, count: count).joined(separator: ", "))
                """)
        }
        for start in stride(from: 0, to: rows.count, by: importRowsPerStatement) {
            let chunk = rows[start..<min(start + importRowsPerStatement, rows.count)]
            var values: [DatabaseValue] = []
            values.reserveCapacity(chunk.count * columns.count)
            for row in chunk {
                let dictionary = try row.databaseDictionary
                values += columns.map { dictionary[$0] ?? .null }
            }
            try statement(rows: chunk.count).execute(arguments: StatementArguments(values))
        }
    }
}

/// A batch being made on a Dispatch thread; `value()` waits for it.
private final class Prefetch: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the maker before `done` is signalled, read once after.
    private var records: ServiceDeskRecords?

    init(_ make: @escaping @Sendable (Int) -> ServiceDeskRecords, _ batch: Int) {
        DispatchQueue.global().async {
            self.records = make(batch)
            self.done.signal()
        }
    }

    func value() -> ServiceDeskRecords {
        done.wait()
        return records!
    }
}
