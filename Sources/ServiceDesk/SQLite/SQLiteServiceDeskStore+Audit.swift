import Foundation
import GRDB
import Shared
import ToolKit

extension SQLiteServiceDeskStore {
    /// The recorder's batches, up to 64 rows per statement: every read call's entry comes through here, and
    /// one statement per row cost more than the rows themselves.
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        try await database.isolatedWrite { db in try Self.insert(entries, db) }
    }

    static func insert(_ entries: [AuditEntry], _ db: Database) throws {
        for start in stride(from: 0, to: entries.count, by: auditRowsPerStatement) {
            let chunk = entries[start..<min(start + auditRowsPerStatement, entries.count)]
            let statement = try db.cachedStatement(sql: auditInsert(rows: chunk.count))
            var arguments = StatementArguments()
            for entry in chunk { arguments += auditArguments(entry) }
            try statement.execute(arguments: arguments)
        }
    }

    static func insert(_ entry: AuditEntry, _ db: Database) throws {
        try db.cachedStatement(sql: auditInsert(rows: 1)).execute(arguments: auditArguments(entry))
    }

    static let auditRowsPerStatement = 64

    static func auditInsert(rows: Int) -> String {
        "INSERT INTO audit_log (tenant_id, id, occurred_at, tool, subject, client_id, grant_id, token_kind, argument_digest, outcome, dry_run, "
            + "duration_ms, ticket_id, company_id, actor_email, client_address) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    static func auditArguments(_ entry: AuditEntry) -> StatementArguments {
        [
            entry.tenantID, entry.id, UTCTimestamp.stored(entry.occurredAt), entry.tool, entry.subject, entry.clientID, entry.grantID, entry.tokenKind,
            entry.argumentDigest, entry.outcome, entry.dryRun, entry.durationMilliseconds, entry.ticketID, entry.companyID, entry.actorEmail,
            entry.clientAddress,
        ]
    }

    public func pruneAudit(before date: Date) async throws -> Int {
        try await database.isolatedWrite { db in
            try db.execute(sql: "DELETE FROM audit_log WHERE occurred_at < ?", arguments: [UTCTimestamp.stored(date)])
            return db.changesCount
        }
    }

    public func auditEntries(tenantID: String, grantID: String, limit: Int) async throws -> [AuditEntry] {
        try await database.isolatedRead { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND grant_id = ? ORDER BY seq DESC LIMIT ?"),
                arguments: [tenantID, grantID, limit]
            ).map { try AuditEntry(row: $0) }
        }
    }

    public func auditLog(tenantID: String, after position: Int64, limit: Int) async throws -> [PositionedAuditEntry] {
        try await database.isolatedRead { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?"), arguments: [tenantID, position, limit]
            ).map { PositionedAuditEntry(position: $0["seq"], entry: try AuditEntry(row: $0)) }
        }
    }

    /// The newest `limit` entries of one grant or person (an index each, migration v7), returned oldest first.
    public func auditEntries(tenantID: String, of selection: AuditSelection, limit: Int) async throws -> [AuditEntry] {
        let (column, value) = switch selection {
        case .grant(let id): ("grant_id", id)
        case .subject(let subject): ("subject", subject)
        }
        return try await database.isolatedRead { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND \(column) = ? ORDER BY seq DESC LIMIT ?"),
                arguments: [tenantID, value, limit]
            ).reversed().map { try AuditEntry(row: $0) }
        }
    }
}
