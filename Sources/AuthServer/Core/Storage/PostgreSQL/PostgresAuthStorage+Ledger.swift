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

    /// A follower pages with "after position" (`seq > position`), so it must never pass a position behind which an
    /// entry may still commit: were one transaction to take `seq` 10 and commit after another took 11 and a follower
    /// read 11, 10 would never be read. So each transaction takes its positions under the tenant's ledger lock in
    /// shared mode, held until it commits (PostgreSQL documentation § 9.27.10, `pg_advisory_xact_lock_shared`), and a
    /// follower takes the same lock exclusively before each page (`ledgerPage`): that waits for every transaction
    /// holding positions to commit or roll back, and positions taken after it are higher than any the page can hold.
    /// Writers never wait for each other; held exclusively by every writer, the lock made a tenant's refresh grants
    /// on PostgreSQL commit one at a time, each waiting for the one before to be scheduled and to reach the disk.
    /// Taken in a transaction's last statements, it waits for nothing while holding the lock but its own commit, so
    /// the lock cannot join a deadlock with the row locks taken before it, and tenants are locked in one order. The
    /// revocation log needs no such lock: its numbers come from a per-tenant counter row, also locked until commit
    /// (`appendRevocationEvents`).
    static func insertLedger(_ write: PostgresWrite, _ entries: [LedgerEntry]) async throws {
        for (tenantID, entries) in Dictionary(grouping: entries, by: \.tenantID).sorted(by: { $0.key < $1.key }) {
            try await write.rows(ledgerInsert(tenantID: tenantID, entries.map(LedgerRow.init)))
        }
    }

    /// The tenant's lock and its entries in one statement, one round trip (`recordingLedger`).
    static func ledgerInsert(tenantID: String, _ rows: [LedgerRow]) -> PostgresQuery {
        "WITH \(recordingLedger: rows, tenantID: tenantID, after: nil) SELECT 1"
    }

    public func ledgerEntries(tenantID: String, matching filter: LedgerFilter, limit: Int) async throws -> [LedgerEntry] {
        try await database.rows(Self.ledgerQuery(tenantID: tenantID, filter, after: nil, limit: limit)).map { try $0.record(LedgerRow.self).model }
    }

    /// Read once every transaction holding positions of the tenant has ended (`insertLedger`): the lock is taken in a
    /// statement of its own, so the page's statement, which follows, reads what they committed.
    public func ledgerPage(tenantID: String, matching filter: LedgerFilter, after position: Int64, limit: Int) async throws -> [PositionedLedgerEntry] {
        try await database.withConnection { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(ledgerLockOf: tenantID))", logger: database.logger)
            return try await connection.query(Self.ledgerQuery(tenantID: tenantID, filter, after: position, limit: limit), logger: database.logger)
                .collect().map { try $0.makeRandomAccess().record(LedgerRow.self).positioned() }
        }
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

extension PostgresQuery.StringInterpolation {
    /// The key of the tenant's ledger lock: one per schema and tenant.
    mutating func appendInterpolation(ledgerLockOf tenantID: String) {
        appendLiteral("hashtext(current_schema() || ' ledger ' || ")
        appendInterpolation(tenantID)
        appendLiteral("::text)")
    }

    /// Two common table expressions that record `rows` in the tenant's ledger under its lock, shared (`insertLedger`
    /// says why the lock and why last): `locked`, which takes the lock once per row of `after` (a FROM list; nil takes
    /// it once), and `recorded`, whose rows come out of a join with `locked`, so none takes its position before the lock
    /// is held; they are numbered in the order given. A statement that writes more names in `after` the expressions
    /// that must be read to their end first, so the lock is still the last taken.
    mutating func appendInterpolation(recordingLedger rows: [LedgerRow], tenantID: String, after: String?) {
        let columns = "tenant_id, id, occurred_at, event, actor_id, actor_email, subject_id, grant_id, client_id, outcome, client_address, detail"
        appendLiteral("locked AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(")
        appendInterpolation(ledgerLockOf: tenantID)
        appendLiteral(")" + (after.map { " FROM " + $0 } ?? "") + "), recorded AS (INSERT INTO ledger (\(columns)) SELECT \(columns) FROM locked CROSS JOIN (VALUES ")
        // Each value cast to its column's type, so the statement can be prepared (`preparedRecords`).
        for (ordinal, row) in rows.enumerated() {
            appendLiteral(ordinal == 0 ? "(\(ordinal)" : ", (\(ordinal)")
            for text in [row.tenantID, row.id] as [String?] {
                appendLiteral(", ")
                appendInterpolation(text)
                appendLiteral("::text")
            }
            appendLiteral(", ")
            appendInterpolation(row.occurredAt)
            appendLiteral("::timestamptz")
            for text in [row.event, row.actorID, row.actorEmail, row.subjectID, row.grantID, row.clientID, row.outcome, row.clientAddress, row.detail] {
                appendLiteral(", ")
                appendInterpolation(text)
                appendLiteral("::text")
            }
            appendLiteral(")")
        }
        appendLiteral(") AS entry (ordinal, \(columns)) ORDER BY ordinal)")
    }
}
