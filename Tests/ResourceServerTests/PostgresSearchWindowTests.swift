import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk

/// PostgreSQL search reads the newest rows first and asks its index only when they do not hold a page
/// (`PostgresServiceDeskStore.newestFirst`): whichever path answers, the answer must be the same.
@Suite("Search on PostgreSQL: the newest rows first or the index, the same answers")
struct PostgresSearchWindowTests {
    @Test("searches answer the same with no window, a window of three rows and the default one, for staff and a customer")
    func windowsAgree() async throws {
        try await TestPostgres.withDatabase("desk_search_window", migrations: PostgresServiceDeskStoreContractTests.migrations) { database in
            try await PostgresResourceStorage(database: database)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            let records = await ServiceDeskStoreContract.records()
            let defaultStore = PostgresServiceDeskStore(database: database)
            try await defaultStore.importRecords(records, intoEmptyTenant: Tenant.defaultID)
            let stores = [defaultStore, PostgresServiceDeskStore(database: database, searchWindow: 0), PostgresServiceDeskStore(database: database, searchWindow: 3)]

            let ticket = records.tickets[records.tickets.count / 2]
            let note = records.notes[records.notes.count / 2]
            let firstWord = ticket.subject.split(separator: " ").first { $0.count >= 5 }.map(String.init) ?? ticket.subject
            let noteWords = note.body.split(separator: " ").filter { $0.count >= 4 }.prefix(2).joined(separator: " ")
            let queries = [
                ticket.subject, firstWord, String(firstWord.prefix(4)), noteWords, ticket.number, "printer offline", "offl", "zzqx quarkbr",
            ]
            let scopes = [
                ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil), ServiceDeskScope(tenantID: Tenant.defaultID, companyID: records.companies[0].id),
            ]
            var found = 0
            for query in queries {
                for scope in scopes {
                    for limit in [1, 3, 20] {
                        var answers: [[String]] = []
                        var everywhere: [[String]] = []
                        for store in stores {
                            let page = try await store.searchTickets(query, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: limit, scope: scope)
                            answers.append(page.items.map { "\($0.ticket.id) \($0.matchedIn) \($0.excerpt)" })
                            let global = try await store.searchEverything(query, kinds: [.ticket, .note], limitPerKind: limit, scope: scope)
                            everywhere.append(global.items.map { "\($0.kind) \($0.id)" })
                        }
                        #expect(Set(answers).count == 1, "search_tickets \(query) limit \(limit) in \(scope): \(answers)")
                        #expect(Set(everywhere).count == 1, "search_global \(query) limit \(limit) in \(scope): \(everywhere)")
                        found += answers[0].count
                    }
                }
            }
            #expect(found > 50, "the queries find tickets, so agreeing means something")
        }
    }
}
