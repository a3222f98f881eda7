import GRDB

extension ServiceDeskSchema {
    /// The service desk's migrations, in the order they ran and under the names databases already
    /// recorded, so an installed database goes on from where it stands. They go after the host's `tenant`
    /// table, which the desk's tables reference.
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: service desk") { db in
            try create(db)
        }
        migrator.registerMigration("v3: idempotency, confirmations, desk settings, leaner audit log") { db in
            try createWriteTables(db)
        }
        migrator.registerMigration("v4: spent confirmations keep their answer") { db in
            try rememberConfirmedReports(db)
        }
        migrator.registerMigration("v5: word search with stems, device and alert search") { db in
            try createWordSearch(db)
        }
        migrator.registerMigration("v6: indexes in the order lists and the snapshot read") { db in
            try createListIndexes(db)
        }
        migrator.registerMigration("v7: rule retries, audit by grant and by person") { db in
            try createRuleRetriesAndAuditLookups(db)
        }
        migrator.registerMigration("v8: audit entries in the ledger's shape") { db in
            // The caller's email and address, as the auth-server's ledger keeps them (a grant's calls are found by
            // v7's index).
            try db.execute(
                sql: """
                    ALTER TABLE audit_log ADD COLUMN actor_email TEXT;
                    ALTER TABLE audit_log ADD COLUMN client_address TEXT;
                    """)
        }
        migrator.registerMigration("v9: the snapshot's open tickets and alerts indexed apart") { db in
            try createOpenWorkIndexes(db)
        }
        migrator.registerMigration("v10: the open queue and each person's indexed apart") { db in
            try createOpenQueueIndexes(db)
        }
        migrator.registerMigration("v11: customers found by trigrams") { db in
            try SearchIndex.companyTrigrams.create(db)
            try SearchIndex.companyTrigrams.rebuild(db)
        }
        migrator.registerMigration("v12: the word indexes' vocabularies") { db in
            for index in SearchIndex.wordIndexes { try index.createVocabulary(db) }
        }
    }
}
