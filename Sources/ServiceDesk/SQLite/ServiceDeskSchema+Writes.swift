import GRDB

extension ServiceDeskSchema {
    /// What makes writes safe to retry and to confirm: remembered idempotency keys with the answer they
    /// got, open confirmations, and each tenant's write policy. A write commits its rows here in the
    /// same transaction as its change and its audit entry.
    ///
    /// The audit log is rebuilt leaner, because now every tool call writes to it: no unique index on
    /// `id` (ids are unique by construction, `AuditTrail.nextID`), no AUTOINCREMENT (nothing is ever
    /// deleted, so rowids only grow), and the by-ticket index only over entries that name a ticket.
    static func createWriteTables(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE audit_log_v3 (
                seq INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                occurred_at DATETIME NOT NULL,
                tool TEXT NOT NULL,
                subject TEXT NOT NULL,
                client_id TEXT NOT NULL,
                grant_id TEXT NOT NULL,
                token_kind TEXT NOT NULL,
                argument_digest TEXT NOT NULL,
                outcome TEXT NOT NULL,
                dry_run BOOLEAN NOT NULL,
                duration_ms INTEGER NOT NULL,
                ticket_id TEXT,
                company_id TEXT
            );
            INSERT INTO audit_log_v3 SELECT seq, tenant_id, id, occurred_at, tool, subject, client_id, grant_id, token_kind, argument_digest,
                outcome, dry_run, duration_ms, ticket_id, company_id FROM audit_log;
            DROP TABLE audit_log;
            ALTER TABLE audit_log_v3 RENAME TO audit_log;
            CREATE INDEX audit_log_by_ticket ON audit_log(tenant_id, ticket_id, seq) WHERE ticket_id IS NOT NULL;

            CREATE TABLE idempotency_record (
                tenant_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                key TEXT NOT NULL,
                tool TEXT NOT NULL,
                argument_digest TEXT NOT NULL,
                report TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                PRIMARY KEY (tenant_id, subject, key)
            );
            CREATE INDEX idempotency_record_by_age ON idempotency_record(tenant_id, created_at);

            CREATE TABLE pending_write (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                subject TEXT NOT NULL,
                tool TEXT NOT NULL,
                argument_digest TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                expires_at DATETIME NOT NULL,
                used_at DATETIME,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE INDEX pending_write_by_expiry ON pending_write(tenant_id, expires_at);

            CREATE TABLE desk_settings (
                tenant_id TEXT NOT NULL PRIMARY KEY REFERENCES tenant(id),
                confirm_writes BOOLEAN NOT NULL
            );
            """)
    }

    /// A spent confirmation keeps the answer it got, so a confirming call repeated after a lost answer
    /// gets that answer again instead of a refusal.
    static func rememberConfirmedReports(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE pending_write ADD COLUMN report TEXT")
    }
}
