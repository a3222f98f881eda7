import GRDB

extension ServiceDeskSchema {
    /// A failed rule run the scheduler will try again carries when (`retry_at`), which list_rule_executions
    /// shows as awaiting retry; executions are listed newest first. The audit log is read by grant and by person
    /// for the admin pages' timelines (`GET /internal/admin/audit`), newest entries of either first.
    static func createRuleRetriesAndAuditLookups(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE rule_execution ADD COLUMN retry_at DATETIME;
            CREATE INDEX rule_execution_by_start ON rule_execution(tenant_id, started_at DESC, id);
            CREATE INDEX audit_log_by_grant ON audit_log(tenant_id, grant_id, seq);
            CREATE INDEX audit_log_by_subject ON audit_log(tenant_id, subject, seq);
            """)
    }
}
