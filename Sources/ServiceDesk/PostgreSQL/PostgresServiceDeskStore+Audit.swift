import Foundation
import Logging
import PostgresNIO
import ToolKit

extension PostgresServiceDeskStore {
    /// Rows per INSERT, as on SQLite: the recorder's batches go in one statement per 64 entries.
    static let auditRowsPerStatement = 64
    static let auditColumns = [
        "tenant_id", "id", "occurred_at", "tool", "subject", "client_id", "grant_id", "token_kind", "argument_digest", "outcome", "dry_run",
        "duration_ms", "ticket_id", "company_id", "actor_email", "client_address",
    ]

    /// In one transaction that first takes a lock held until commit, so appends commit one after another
    /// and `seq` grows in commit order: an export reading "after position" can never pass over an entry
    /// that commits later with a smaller `seq` (PostgreSQL documentation § 9.27.10, `pg_advisory_xact_lock`).
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await database.transaction { connection in try await Self.insert(entries, connection, logger: database.logger) }
    }

    static func insert(_ entries: [AuditEntry], _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ' audit_log'))", logger: logger)
        for start in stride(from: 0, to: entries.count, by: auditRowsPerStatement) {
            let chunk = entries[start..<min(start + auditRowsPerStatement, entries.count)]
            var binds = PostgresBindings(capacity: chunk.count * auditColumns.count)
            var rows: [String] = []
            for entry in chunk {
                let first = binds.count
                rows.append("(" + (1...auditColumns.count).map { "$\(first + $0)" }.joined(separator: ", ") + ")")
                binds.append(entry.tenantID)
                binds.append(entry.id)
                binds.append(entry.occurredAt)
                binds.append(entry.tool)
                binds.append(entry.subject)
                binds.append(entry.clientID)
                binds.append(entry.grantID)
                binds.append(entry.tokenKind)
                binds.append(entry.argumentDigest)
                binds.append(entry.outcome)
                binds.append(entry.dryRun)
                binds.append(entry.durationMilliseconds)
                binds.append(entry.ticketID)
                binds.append(entry.companyID)
                binds.append(entry.actorEmail)
                binds.append(entry.clientAddress)
            }
            let sql = "INSERT INTO audit_log (\(auditColumns.joined(separator: ", "))) VALUES " + rows.joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        }
    }

    public func pruneAudit(before date: Date) async throws -> Int {
        try await database.query("WITH pruned AS (DELETE FROM audit_log WHERE occurred_at < \(date) RETURNING 1) SELECT count(*) FROM pruned")
            .collect().first?.decode(Int.self) ?? 0
    }

    public func auditEntries(tenantID: String, grantID: String, limit: Int) async throws -> [AuditEntry] {
        try await database.query(
            "SELECT \(unescaped: Self.selectColumns) FROM audit_log WHERE tenant_id = \(tenantID) AND grant_id = \(grantID) ORDER BY seq DESC LIMIT \(limit)"
        ).collect().map { try Self.entry($0).entry }
    }

    public func auditLog(tenantID: String, after position: Int64, limit: Int) async throws -> [PositionedAuditEntry] {
        try await database.query(
            "SELECT \(unescaped: Self.selectColumns) FROM audit_log WHERE tenant_id = \(tenantID) AND seq > \(position) ORDER BY seq LIMIT \(limit)"
        ).collect().map(Self.entry)
    }

    /// The newest `limit` entries of one grant or person, returned oldest first.
    public func auditEntries(tenantID: String, of selection: AuditSelection, limit: Int) async throws -> [AuditEntry] {
        let (column, value) = switch selection {
        case .grant(let id): ("grant_id", id)
        case .subject(let subject): ("subject", subject)
        }
        return try await database.query(
            "SELECT \(unescaped: Self.selectColumns) FROM audit_log WHERE tenant_id = \(tenantID) AND \(unescaped: column) = \(value) ORDER BY seq DESC LIMIT \(limit)"
        ).collect().reversed().map { try Self.entry($0).entry }
    }

    static let selectColumns = "seq, " + auditColumns.joined(separator: ", ")

    static func entry(_ row: PostgresRow) throws -> PositionedAuditEntry {
        let (seq, tenantID, id, occurredAt, tool, subject, clientID, grantID, tokenKind, argumentDigest, outcome, dryRun, duration, ticketID, companyID,
            actorEmail, clientAddress) = try row.decode(
                (Int64, String, String, Date, String, String, String, String, String, String, String, Bool, Int64, String?, String?, String?, String?).self)
        return PositionedAuditEntry(
            position: seq,
            entry: AuditEntry(
                tenantID: tenantID, id: id, occurredAt: occurredAt, tool: tool, subject: subject, clientID: clientID, grantID: grantID, tokenKind: tokenKind,
                argumentDigest: argumentDigest, outcome: outcome, dryRun: dryRun, durationMilliseconds: duration, ticketID: ticketID, companyID: companyID,
                actorEmail: actorEmail, clientAddress: clientAddress))
    }
}
