import GRDB

extension SQLiteServiceDeskStore {
    /// One cached statement for the batch: the recorder stores every read call's entry through here.
    public func appendAudit(_ entries: [AuditEntry]) async throws {
        try await database.write { db in
            for entry in entries { try Self.insert(entry, db) }
        }
    }

    static func insert(_ entry: AuditEntry, _ db: Database) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO audit_log (tenant_id, id, occurred_at, tool, subject, client_id, grant_id, token_kind, argument_digest, outcome,
                dry_run, duration_ms, ticket_id, company_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            entry.tenantID, entry.id, entry.occurredAt, entry.tool, entry.subject, entry.clientID, entry.grantID, entry.tokenKind,
            entry.argumentDigest, entry.outcome, entry.dryRun, entry.durationMilliseconds, entry.ticketID, entry.companyID,
        ])
    }

    public func auditLog(tenantID: String, after position: Int64, limit: Int) async throws -> [PositionedAuditEntry] {
        try await database.read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM audit_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT ?"), arguments: [tenantID, position, limit]
            ).map { PositionedAuditEntry(position: $0["seq"], entry: try AuditEntry(row: $0)) }
        }
    }
}
