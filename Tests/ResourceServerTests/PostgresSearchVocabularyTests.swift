import Foundation
import PostgresNIO
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk

/// PostgreSQL search reads a word start as a prefix only where it begins a longer word the index holds
/// (`search_term`, migration `desk8`): a word missing from that list would make search miss what the word
/// start should find, so every way a word arrives must reach it.
@Suite("Search on PostgreSQL: the words a word start may begin")
struct PostgresSearchVocabularyTests {
    @Test("the words of rows already stored, of rows another writer adds or changes, and of the desk's own writes are all word starts search reaches")
    func everyWordArrives() async throws {
        let all = PostgresServiceDeskStoreContractTests.migrations
        let before = Array(all.prefix { $0.id != PostgresServiceDeskStore.searchVocabulary.id })
        #expect(before.count == all.count - 1, "the vocabulary is the last step, so the rows below exist before it runs")
        try await TestPostgres.withDatabase("desk_search_terms", migrations: before) { database in
            try await PostgresResourceStorage(database: database)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            let records = await ServiceDeskStoreContract.records()
            try await PostgresServiceDeskStore(database: database).importRecords(records, intoEmptyTenant: Tenant.defaultID)

            let migrated = try await PostgresSchemaPool.open(location: TestPostgres.location(), schema: database.schema, migrations: all, maximumConnections: 2)
            defer { migrated.close() }
            let store = PostgresServiceDeskStore(database: migrated)
            let staff = ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil)
            let every = TicketFilter(statuses: Ticket.Status.allCases)
            func finds(_ text: String, ticket id: String, in matched: TicketSearchHit.Field) async throws -> Bool {
                try await store.searchTickets(text, filter: every, limit: 1_000, scope: staff).items.contains { $0.ticket.id == id && $0.matchedIn == matched }
            }

            // Rows stored before the step: its fill reads them.
            let note = try #require(records.notes.last { $0.body.contains("offline") })
            let offline = try await store.searchEverything("offli", kinds: [.note], limitPerKind: 1_000, scope: staff)
            #expect(offline.items.contains { $0.id == note.id }, "a word start of a note stored before the migration")

            // Another writer's rows: the triggers read them.
            let ticket = records.tickets[records.tickets.count / 3]
            try await migrated.query(PostgresQuery(unsafeSQL: "UPDATE ticket SET subject = 'Zyxwvutronic relay fails' WHERE id = '\(ticket.id)'"))
            #expect(try await finds("zyxwvut", ticket: ticket.id, in: .ticket), "a word another writer put in a subject")
            try await migrated.query(PostgresQuery(unsafeSQL: """
                INSERT INTO ticket_note (tenant_id, id, ticket_id, author, body, visibility, created_at)
                SELECT tenant_id, 'note-terms-1', id, 'x@example.com', 'Qwertonic adapter replaced', 'public', now() FROM ticket WHERE id = '\(ticket.id)'
                """))
            #expect(try await finds("qwerton", ticket: ticket.id, in: .note), "a word in a note another writer added")
            #expect(try await store.searchEverything("qwerton", kinds: [.note], limitPerKind: 5, scope: staff).items.map(\.id) == ["note-terms-1"])

            // A whole word that begins no longer word is still found, as a whole word.
            #expect(try await finds("zyxwvutronic", ticket: ticket.id, in: .ticket))
            let terms = try await migrated.query(PostgresQuery(unsafeSQL: "SELECT source FROM search_term WHERE term LIKE 'zyxwvut%' OR term LIKE 'qwerton%' ORDER BY 1"))
            var sources: [String] = []
            for try await source in terms.decode(String.self) { sources.append(source) }
            #expect(sources == ["note", "ticket"], "each new word where it was written, once: \(sources)")
        }
    }
}
