import GRDB

extension ServiceDeskSchema {
    /// An index per list in exactly the list's order, ending in its unique key, behind the tenant: a page
    /// is a seek and a short walk, for the tenant or for one customer (the snapshot's top five), however deep its cursor points and however large the desk. Ranks are
    /// the queries' own expressions (SQLite matches an indexed expression by its form; an index
    /// expression may not name its table): a new priority or severity needs a migration that rebuilds
    /// these two. The indexes they extend go.
    static func createListIndexes(_ db: Database) throws {
        let ticketRank = KeysetOrder.priorityRank("priority")
        let alertRank = KeysetOrder.severityRank("severity")
        try db.execute(sql: """
            CREATE INDEX ticket_by_queue ON ticket(tenant_id, \(ticketRank), created_at, id);
            CREATE INDEX ticket_by_company_queue ON ticket(tenant_id, company_id, \(ticketRank), created_at, id);
            CREATE INDEX alert_by_triage ON alert(tenant_id, \(alertRank), created_at DESC, id);
            CREATE INDEX alert_by_company_triage ON alert(tenant_id, company_id, \(alertRank), created_at DESC, id);
            DROP INDEX ticket_by_updated;
            CREATE INDEX ticket_by_updated ON ticket(tenant_id, updated_at, id);
            DROP INDEX alert_by_updated;
            CREATE INDEX alert_by_updated ON alert(tenant_id, updated_at, id);
            DROP INDEX contract_by_end;
            CREATE INDEX contract_by_end ON contract(tenant_id, ends_on, id);
            DROP INDEX backup_job_by_status;
            CREATE INDEX backup_job_by_status ON backup_job(tenant_id, status, last_run_at DESC, id);
            DROP INDEX invoice_by_issued;
            CREATE INDEX invoice_by_issued ON invoice(tenant_id, issued_on DESC, id);
            CREATE INDEX asset_by_company_status ON asset(tenant_id, company_id, status);
            """)
        try analyze(db)
    }

    /// The snapshot's five most pressing open tickets and five most severe open alerts of one customer, from an
    /// index of only those: walking the whole queue's index in order read every closed ticket ahead of the open
    /// ones (nine in ten of them), and that was the largest part of a snapshot's query time. The queries name the
    /// statuses as these conditions do (`SQLConditions.among`), so SQLite matches them.
    static func createOpenWorkIndexes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX ticket_open_by_company_queue ON ticket(tenant_id, company_id, \(KeysetOrder.priorityRank("priority")), created_at, id)
                WHERE \(SQLConditions.among("status", Ticket.Status.openStatuses));
            CREATE INDEX alert_active_by_company_triage ON alert(tenant_id, company_id, \(KeysetOrder.severityRank("severity")), created_at DESC, id)
                WHERE \(SQLConditions.among("status", Alert.Status.activeStatuses));
            """)
        try analyze(db)
    }

    /// The open queue, the whole tenant's and each person's, from indexes of open tickets only, for
    /// list_open_tickets and list_my_assignments: walking the whole queue's index read the closed tickets
    /// (nine in ten) ahead of the open ones, and a person's queue read everyone's, so both grew with the desk.
    /// The assignee is compared without case, as the lists compare it (`SQLDialect.caseInsensitive`).
    static func createOpenQueueIndexes(_ db: Database) throws {
        let ticketRank = KeysetOrder.priorityRank("priority")
        let open = SQLConditions.among("status", Ticket.Status.openStatuses)
        try db.execute(sql: """
            CREATE INDEX ticket_open_by_queue ON ticket(tenant_id, \(ticketRank), created_at, id) WHERE \(open);
            CREATE INDEX ticket_open_by_assignee_queue ON ticket(tenant_id, assignee COLLATE NOCASE, \(ticketRank), created_at, id) WHERE \(open);
            """)
        try analyze(db)
    }

    /// Row-count statistics for the planner (sqlite_stat1). Without them SQLite prefers an index that
    /// gives the list's order (the whole tenant's queue) to one that finds a device's or a customer's few
    /// rows, and those calls grow with the desk. A sample of 1,000 rows per index is enough to tell them
    /// apart and takes a moment even at 400,000 tickets.
    static func analyze(_ db: Database) throws {
        try db.execute(sql: "PRAGMA analysis_limit = 1000; ANALYZE")
    }
}
