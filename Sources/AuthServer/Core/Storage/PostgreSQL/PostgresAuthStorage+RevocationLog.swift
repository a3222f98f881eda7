import Foundation
import Logging
import PostgresNIO
import Shared

/// The revocation log on PostgreSQL. Every transaction that appends to it also sends a notification
/// (`pg_notify`, delivered at commit, PostgreSQL documentation § NOTIFY), and every auth-server LISTENs: an
/// append by any process sharing the database wakes every process's revocation streams at once.
extension PostgresAuthStorage {
    /// The notification channel; its payload is the tenant whose log grew.
    static let revocationChannel = "gatehouse_revocation_log"

    public func revocationEvents(tenantID: String, after seq: Int64, limit: Int) async throws -> [RevocationEvent] {
        try await database.rows(
            """
            SELECT seq, kind, subject, revoked_at FROM revocation_log WHERE tenant_id = \(tenantID) AND seq > \(seq) ORDER BY seq LIMIT \(limit)
            """
        ).map { try $0.record(RevocationLogRow.self).model() }
    }

    public func appendRevocationEvent(tenantID: String, kind: RevocationEvent.Kind, subject: String) async throws {
        try await database.write { write in try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: kind, subjects: [subject]) }
    }

    public func latestRevocationSeq(tenantID: String) async throws -> Int64 {
        try await database.rows("SELECT last_seq FROM revocation_counter WHERE tenant_id = \(tenantID)").first?.value("last_seq") ?? 0
    }

    public var reportsEveryProcessesAppends: Bool { true }

    /// LISTENs on a connection of the pool kept for it, calling `action` for each notification, and once each time
    /// listening (re)starts: appends made while no connection listened are then not missed. A lost connection is
    /// replaced after a second.
    public func observeRevocationAppends(_ action: @escaping @Sendable () -> Void) -> StoreObservation {
        let client = database.client
        let logger = database.logger
        let listening = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.revocationChannel) { notifications in
                            action()
                            for try await _ in notifications { action() }
                        }
                    }
                } catch {
                    guard !Task.isCancelled else { return }
                    logger.warning("revocation log notifications interrupted; listening again", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return StoreObservation { listening.cancel() }
    }

    /// Appends one event of `kind` per subject (sorted, as the SQLite store numbers them) to the tenant's log, in the
    /// caller's transaction, numbered on from the tenant's counter; forgets events older than any access token they
    /// could still stop; and notifies the listening auth-servers when the transaction commits. The counter's row lock
    /// makes two processes appending at once take turns, so no number is handed out twice.
    static func appendRevocationEvents(_ write: PostgresWrite, tenantID: String, kind: RevocationEvent.Kind, subjects: [String]) async throws {
        guard !subjects.isEmpty else { return }
        let now = Date()
        try await write.rows("DELETE FROM revocation_log WHERE revoked_at < \(now.addingTimeInterval(-RevocationEvent.retention))")
        let counted = try await write.rows(
            """
            INSERT INTO revocation_counter (tenant_id, last_seq) VALUES (\(tenantID), \(Int64(subjects.count)))
            ON CONFLICT (tenant_id) DO UPDATE SET last_seq = revocation_counter.last_seq + excluded.last_seq RETURNING last_seq
            """)
        let last: Int64 = try counted[0].value("last_seq")
        let first = last - Int64(subjects.count)
        try await write.rows(
            """
            INSERT INTO revocation_log (tenant_id, seq, kind, subject, revoked_at)
            SELECT \(tenantID), \(first) + n, \(kind.rawValue), subject, \(now)
            FROM unnest(\(subjects.sorted())::text[]) WITH ORDINALITY AS s(subject, n)
            """)
        try await write.rows("SELECT pg_notify(\(revocationChannel), \(tenantID))")
    }
}
