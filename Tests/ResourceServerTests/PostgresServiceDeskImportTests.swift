import Foundation
import PostgresNIO
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk

/// On the real PostgreSQL server Deploy/test starts.
@Suite("Importing into the desk on PostgreSQL")
struct PostgresServiceDeskImportTests {
    @Test("every table an import fills is vacuumed and analyzed once, so the planner knows its rows and its visibility map")
    func vacuumsWhatItFills() async throws {
        try await TestPostgres.withDatabase("desk_import", migrations: PostgresServiceDeskStoreContractTests.migrations) { database in
            try await PostgresResourceStorage(database: database)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            try await PostgresServiceDeskStore(database: database).importRecords(await ServiceDeskStoreContract.records(), intoEmptyTenant: Tenant.defaultID)
            // PostgreSQL's own count of each table's vacuums and analyses (pages are marked all-visible only when no
            // older transaction still runs, which other tests' may be, so the count is what is checked).
            let rows = try await database.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT relname::text, vacuum_count, analyze_count FROM pg_stat_user_tables
                        WHERE schemaname = current_schema() AND relname IN (
                            'company', 'company_contact', 'company_site', 'asset', 'ticket', 'ticket_note', 'alert', 'alert_event',
                            'contract', 'backup_job', 'invoice', 'rule', 'rule_execution')
                        """)
            ).collect()
            #expect(rows.count == 13)
            for row in rows {
                let (table, vacuums, analyses) = try row.decode((String, Int64, Int64).self)
                #expect(vacuums == 1 && analyses == 1, "\(table): vacuumed \(vacuums), analyzed \(analyses) times")
            }
        }
    }
}
