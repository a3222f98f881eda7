import Foundation
import PostgresNIO
import Shared

/// The service desk on PostgreSQL, in the resource-server's schema (`gatehouse_resource`), on the pool the
/// resource-server's other tables use. So far it holds the audit log (`AuditLogStore`); the rest of
/// `ServiceDeskStore` follows the SQLite store's files one by one, each checked by `ServiceDeskStoreContract`.
public struct PostgresServiceDeskStore: Sendable {
    let database: PostgresSchemaPool

    public init(database: PostgresSchemaPool) { self.database = database }

    /// The desk's steps, run after the host's own (`PostgresResourceStorage.migrations`) in the same schema.
    public static let migrations = [
        // `seq` is the export position; `appendAudit` makes it follow commit order (see there). No
        // foreign keys: the log outlives what it mentions.
        PostgresMigration(
            "desk1: audit log",
            [
                """
                CREATE TABLE audit_log (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    tenant_id TEXT NOT NULL,
                    id TEXT NOT NULL,
                    occurred_at TIMESTAMPTZ NOT NULL,
                    tool TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    client_id TEXT NOT NULL,
                    grant_id TEXT NOT NULL,
                    token_kind TEXT NOT NULL,
                    argument_digest TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    dry_run BOOLEAN NOT NULL,
                    duration_ms BIGINT NOT NULL,
                    ticket_id TEXT,
                    company_id TEXT,
                    actor_email TEXT,
                    client_address TEXT
                )
                """,
                "CREATE INDEX audit_log_by_tenant ON audit_log (tenant_id, seq)",
                "CREATE INDEX audit_log_by_ticket ON audit_log (tenant_id, ticket_id, seq) WHERE ticket_id IS NOT NULL",
                "CREATE INDEX audit_log_by_grant ON audit_log (tenant_id, grant_id, seq)",
                "CREATE INDEX audit_log_by_subject ON audit_log (tenant_id, subject, seq)",
                "CREATE INDEX audit_log_by_time ON audit_log (occurred_at)",
            ]),
    ]
}
