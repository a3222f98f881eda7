import Foundation
import PostgresNIO
import Shared
import Synchronization

/// The audit ledger (`LedgerStore`) on PostgreSQL.
extension PostgresAuthStorage {
    public func appendLedger(_ entries: [LedgerEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await database.write { write in try await Self.appendLedger(write, entries) }
    }

    /// In the caller's transaction, so an event and what it records commit together: held until its last statements
    /// (`PostgresSchemaPool.write`, `insertLedger`).
    static func appendLedger(_ write: PostgresWrite, _ entries: [LedgerEntry]) async throws {
        write.ledger.add(entries)
    }

    /// A follower pages with "after position" (`seq > position`), so a tenant's positions must become visible in
    /// the order they are handed out: were one transaction to take `seq` 10 and commit after another took 11 and a
    /// follower read 11, 10 would never be read. So positions are taken under a per-tenant lock held until commit
    /// (PostgreSQL documentation § 9.27.10, `pg_advisory_xact_lock`), and as the transaction's last statements: it
    /// then waits for nothing while holding the lock but its own commit, so the lock cannot join a deadlock with the
    /// row locks taken before it. Tenants are locked in one order, so two transactions writing to several cannot
    /// deadlock either. The revocation log needs no such lock: its numbers come from a per-tenant counter row, also
    /// locked until commit (`appendRevocationEvents`).
    static func insertLedger(_ write: PostgresWrite, _ entries: [LedgerEntry]) async throws {
        for (tenantID, entries) in Dictionary(grouping: entries, by: \.tenantID).sorted(by: { $0.key < $1.key }) {
            try await write.rows(ledgerInsert(tenantID: tenantID, entries.map(LedgerRow.init)))
        }
    }

    /// The tenant's lock and its entries in one statement, one round trip: the rows inserted come out of a join with
    /// the lock's row, so none takes its position before the lock is held; they are numbered in the order given.
    private static func ledgerInsert(tenantID: String, _ rows: [LedgerRow]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: 1 + rows.count * 12)
        binds.append(tenantID)
        var values: [String] = []
        for (ordinal, row) in rows.enumerated() {
            let first = binds.count + 1
            binds.append(row.tenantID)
            binds.append(row.id)
            binds.append(row.occurredAt)
            binds.append(row.event)
            binds.append(row.actorID)
            binds.append(row.actorEmail)
            binds.append(row.subjectID)
            binds.append(row.grantID)
            binds.append(row.clientID)
            binds.append(row.outcome)
            binds.append(row.clientAddress)
            binds.append(row.detail)
            values.append("(\(ordinal), " + (first..<binds.count + 1).map { "$\($0)" }.joined(separator: ", ") + ")")
        }
        let columns = "tenant_id, id, occurred_at, event, actor_id, actor_email, subject_id, grant_id, client_id, outcome, client_address, detail"
        return PostgresQuery(
            unsafeSQL: """
                WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtext(current_schema() || ' ledger ' || $1)))
                INSERT INTO ledger (\(columns))
                SELECT \(columns) FROM locked CROSS JOIN (VALUES \(values.joined(separator: ", "))) AS entry (ordinal, \(columns))
                ORDER BY ordinal
                """,
            binds: binds)
    }

    public func ledgerEntries(tenantID: String, matching filter: LedgerFilter, limit: Int) async throws -> [LedgerEntry] {
        try await database.rows(Self.ledgerQuery(tenantID: tenantID, filter, after: nil, limit: limit)).map { try $0.record(LedgerRow.self).model }
    }

    public func ledgerPage(tenantID: String, matching filter: LedgerFilter, after position: Int64, limit: Int) async throws -> [PositionedLedgerEntry] {
        try await database.rows(Self.ledgerQuery(tenantID: tenantID, filter, after: position, limit: limit))
            .map { try $0.record(LedgerRow.self).positioned() }
    }

    public func pruneLedger(before date: Date) async throws -> Int {
        try await database.rows("DELETE FROM ledger WHERE occurred_at < \(date) RETURNING 1").count
    }

    /// The tenant's entries matching `filter` (a field left nil matches every row): newest first, or after `position`
    /// in the order they were stored.
    private static func ledgerQuery(tenantID: String, _ filter: LedgerFilter, after position: Int64?, limit: Int) -> PostgresQuery {
        let email = filter.personEmail.map(User.normalise(email:))
        return """
            SELECT * FROM ledger WHERE tenant_id = \(tenantID) AND (\(filter.grantID)::text IS NULL OR grant_id = \(filter.grantID)::text)
            AND ((\(filter.personID)::text IS NULL AND \(email)::text IS NULL)
                OR actor_id = \(filter.personID)::text OR subject_id = \(filter.personID)::text OR actor_email = \(email)::text)
            AND (\(filter.since)::timestamptz IS NULL OR occurred_at >= \(filter.since)::timestamptz)
            AND (\(position)::bigint IS NULL OR seq > \(position)::bigint)
            ORDER BY \(unescaped: position == nil ? "seq DESC" : "seq") LIMIT \(limit)
            """
    }
}

/// The ledger entries one transaction has recorded so far (`PostgresAuthStorage.insertLedger`).
final class PendingLedgerEntries: Sendable {
    private let entries = Mutex<[LedgerEntry]>([])

    func add(_ more: [LedgerEntry]) {
        entries.withLock { $0.append(contentsOf: more) }
    }

    func take() -> [LedgerEntry] {
        entries.withLock { taken in
            defer { taken = [] }
            return taken
        }
    }
}
