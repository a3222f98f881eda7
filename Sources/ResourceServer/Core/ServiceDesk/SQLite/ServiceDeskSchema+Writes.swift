import GRDB

extension ServiceDeskSchema {
    /// What makes writes safe to retry and to confirm: remembered idempotency keys with the answer they
    /// got, open confirmations, and each tenant's write policy. A write commits its rows here in the
    /// same transaction as its change and its audit entry.
    static func createWriteTables(_ db: Database) throws {
        try db.execute(sql: """
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
}
