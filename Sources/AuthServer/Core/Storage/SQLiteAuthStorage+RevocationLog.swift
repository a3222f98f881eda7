import Foundation
import GRDB
import Shared

/// SQLite implementation of `GrantStore`'s revocation log: numbered per tenant by a counter row, appended to in
/// the transaction of whatever ends a grant.
extension SQLiteAuthStorage {
    public func revocationEvents(tenantID: String, after seq: Int64, limit: Int) async throws -> [RevocationEvent] {
        try await database.read { db in
            try RevocationLogRow.fetchAll(
                db, cached: "SELECT seq, kind, subject, revoked_at FROM revocation_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                arguments: [tenantID, seq, limit]
            ).map { try $0.model() }
        }
    }

    public func appendRevocationEvent(tenantID: String, kind: RevocationEvent.Kind, subject: String) async throws {
        try await database.write { db in try Self.appendRevocationEvents(db, kind: kind, selecting: "SELECT ?, ?", arguments: [tenantID, subject]) }
    }

    public func latestRevocationSeq(tenantID: String) async throws -> Int64 {
        try await database.read { db in
            try Int64.fetchOne(db, cached: "SELECT last_seq FROM revocation_counter WHERE tenant_id = ?", arguments: [tenantID]) ?? 0
        }
    }

    /// GRDB sees only this process's commits: another process's (an `auth-server admin` command) are found by
    /// `RevocationLogWatch`'s periodic check.
    public func observeRevocationAppends(_ action: @escaping @Sendable () -> Void) -> StoreObservation {
        let observation = DatabaseRegionObservation(tracking: Table("revocation_counter"))
            .start(in: database.sqlite.pool, onError: { _ in }, onChange: { _ in action() })
        return StoreObservation { observation.cancel() }
    }

    public var reportsEveryProcessesAppends: Bool { false }

    /// Appends an event of `kind` for each (tenant_id, subject) the query selects to their tenants' revocation
    /// logs, numbered on from each tenant's counter, and forgets events older than any access token they could
    /// still stop.
    static func appendRevocationEvents(_ db: Database, kind: RevocationEvent.Kind, selecting sql: String, arguments: StatementArguments) throws {
        let now = Date()
        try db.execute(cached: "DELETE FROM revocation_log WHERE revoked_at < ?", arguments: [now.addingTimeInterval(-RevocationEvent.retention)])
        // The selection's own arguments come first: it is the statement's first clause.
        try db.execute(
            sql: """
                WITH selected(tenant_id, subject) AS (\(sql))
                INSERT INTO revocation_log (tenant_id, seq, kind, subject, revoked_at)
                SELECT g.tenant_id, COALESCE((SELECT last_seq FROM revocation_counter c WHERE c.tenant_id = g.tenant_id), 0)
                    + ROW_NUMBER() OVER (PARTITION BY g.tenant_id ORDER BY g.subject), ?, g.subject, ?
                FROM selected g
                """,
            arguments: arguments + [kind.rawValue, now])
        try db.execute(
            cached: """
                INSERT INTO revocation_counter (tenant_id, last_seq) SELECT tenant_id, MAX(seq) FROM revocation_log WHERE true GROUP BY tenant_id
                ON CONFLICT(tenant_id) DO UPDATE SET last_seq = excluded.last_seq WHERE excluded.last_seq > revocation_counter.last_seq
                """)
    }
}
