import GRDB

/// The service desk's tables in the resource-server's SQLite database. Every table carries `tenant_id`
/// and is keyed by (tenant_id, id); children name their customer so company scoping is one indexed
/// condition. Tickets and notes also have an integer `seq`, the stable rowid their full-text indexes
/// point at.
public enum ServiceDeskSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE company (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                status TEXT NOT NULL,
                mrr_cents INTEGER NOT NULL,
                currency TEXT NOT NULL,
                domain TEXT NOT NULL,
                phone TEXT,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            CREATE INDEX company_by_name ON company(tenant_id, name COLLATE NOCASE, id);

            CREATE TABLE company_contact (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                name TEXT NOT NULL,
                email TEXT NOT NULL,
                phone TEXT,
                title TEXT,
                is_primary BOOLEAN NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX company_contact_by_company ON company_contact(tenant_id, company_id);

            CREATE TABLE company_site (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                name TEXT NOT NULL,
                address TEXT NOT NULL,
                city TEXT NOT NULL,
                country TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX company_site_by_company ON company_site(tenant_id, company_id);

            CREATE TABLE asset (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                site_id TEXT,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                os TEXT,
                status TEXT NOT NULL,
                serial_number TEXT NOT NULL,
                warranty_ends_at DATETIME,
                last_seen_at DATETIME,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX asset_by_company ON asset(tenant_id, company_id, name);
            CREATE INDEX asset_by_name ON asset(tenant_id, name, id);
            CREATE INDEX asset_by_warranty ON asset(tenant_id, warranty_ends_at);
            CREATE INDEX asset_by_last_seen ON asset(tenant_id, last_seen_at);

            CREATE TABLE ticket (
                seq INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                number TEXT NOT NULL,
                company_id TEXT NOT NULL,
                subject TEXT NOT NULL,
                status TEXT NOT NULL,
                priority TEXT NOT NULL,
                requester_email TEXT NOT NULL,
                assignee TEXT,
                asset_id TEXT,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                UNIQUE (tenant_id, id),
                UNIQUE (tenant_id, number),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX ticket_by_company_status ON ticket(tenant_id, company_id, status);
            CREATE INDEX ticket_by_status ON ticket(tenant_id, status, created_at);
            CREATE INDEX ticket_by_assignee ON ticket(tenant_id, assignee COLLATE NOCASE, status);
            CREATE INDEX ticket_by_updated ON ticket(tenant_id, updated_at);

            CREATE TABLE ticket_note (
                seq INTEGER PRIMARY KEY,
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                ticket_id TEXT NOT NULL,
                author TEXT NOT NULL,
                visibility TEXT NOT NULL,
                body TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                UNIQUE (tenant_id, id),
                FOREIGN KEY (tenant_id, ticket_id) REFERENCES ticket(tenant_id, id)
            );
            CREATE INDEX ticket_note_by_ticket ON ticket_note(tenant_id, ticket_id, created_at);

            CREATE TABLE alert (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                asset_id TEXT,
                title TEXT NOT NULL,
                severity TEXT NOT NULL,
                status TEXT NOT NULL,
                source TEXT NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX alert_by_company_status ON alert(tenant_id, company_id, status);
            CREATE INDEX alert_by_status ON alert(tenant_id, status, created_at);
            CREATE INDEX alert_by_asset ON alert(tenant_id, asset_id);
            CREATE INDEX alert_by_updated ON alert(tenant_id, updated_at);

            CREATE TABLE alert_event (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                alert_id TEXT NOT NULL,
                action TEXT NOT NULL,
                actor TEXT NOT NULL,
                note TEXT,
                occurred_at DATETIME NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, alert_id) REFERENCES alert(tenant_id, id)
            );
            CREATE INDEX alert_event_by_alert ON alert_event(tenant_id, alert_id, occurred_at);

            CREATE TABLE contract (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                name TEXT NOT NULL,
                starts_on DATETIME NOT NULL,
                ends_on DATETIME NOT NULL,
                value_cents INTEGER NOT NULL,
                currency TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX contract_by_end ON contract(tenant_id, ends_on);
            CREATE INDEX contract_by_company ON contract(tenant_id, company_id, ends_on);

            CREATE TABLE backup_job (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                company_id TEXT NOT NULL,
                asset_id TEXT,
                name TEXT NOT NULL,
                vendor TEXT NOT NULL,
                status TEXT NOT NULL,
                last_run_at DATETIME NOT NULL,
                last_success_at DATETIME,
                message TEXT,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX backup_job_by_status ON backup_job(tenant_id, status, last_run_at);
            CREATE INDEX backup_job_by_company ON backup_job(tenant_id, company_id, status, last_run_at);
            CREATE INDEX backup_job_by_asset ON backup_job(tenant_id, asset_id);

            CREATE TABLE invoice (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                number TEXT NOT NULL,
                company_id TEXT NOT NULL,
                status TEXT NOT NULL,
                amount_cents INTEGER NOT NULL,
                currency TEXT NOT NULL,
                issued_on DATETIME NOT NULL,
                due_on DATETIME NOT NULL,
                paid_on DATETIME,
                PRIMARY KEY (tenant_id, id),
                UNIQUE (tenant_id, number),
                FOREIGN KEY (tenant_id, company_id) REFERENCES company(tenant_id, id)
            );
            CREATE INDEX invoice_by_issued ON invoice(tenant_id, issued_on);
            CREATE INDEX invoice_by_company ON invoice(tenant_id, company_id, issued_on);
            CREATE INDEX invoice_by_status ON invoice(tenant_id, status, due_on);

            CREATE TABLE rule (
                tenant_id TEXT NOT NULL REFERENCES tenant(id),
                id TEXT NOT NULL,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                "trigger" TEXT NOT NULL,
                action TEXT NOT NULL,
                enabled BOOLEAN NOT NULL,
                created_at DATETIME NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );

            CREATE TABLE rule_execution (
                tenant_id TEXT NOT NULL,
                id TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                company_id TEXT,
                started_at DATETIME NOT NULL,
                finished_at DATETIME,
                outcome TEXT NOT NULL,
                summary TEXT NOT NULL,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, rule_id) REFERENCES rule(tenant_id, id)
            );
            CREATE INDEX rule_execution_by_rule ON rule_execution(tenant_id, rule_id, started_at);

            -- No foreign keys: the log outlives what it mentions.
            CREATE TABLE audit_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
                company_id TEXT,
                UNIQUE (tenant_id, id)
            );
            CREATE INDEX audit_log_by_ticket ON audit_log(tenant_id, ticket_id, occurred_at);
            CREATE INDEX audit_log_by_time ON audit_log(tenant_id, occurred_at);
            """)
        try createSearchIndexes(db)
    }

    /// The first schema's search: FTS5 with the trigram tokenizer over tickets and notes.
    private static func createSearchIndexes(_ db: Database) throws {
        try SearchIndex.ticketTrigrams.create(db)
        try SearchIndex.retiredNoteTrigrams.create(db)
    }

    /// Word search with stems beside the tickets' trigrams, and trigrams for devices and alerts; the notes'
    /// trigram index goes. Built from the rows a database already holds.
    static func createWordSearch(_ db: Database) throws {
        for index in [SearchIndex.ticketWords, SearchIndex.noteWords, SearchIndex.assetTrigrams, SearchIndex.alertTrigrams] {
            try index.create(db)
            try index.rebuild(db)
        }
        try SearchIndex.retiredNoteTrigrams.drop(db)
    }
}
