import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk

/// PostgreSQL search reads the newest rows first and asks its index only when they do not hold a page
/// (`PostgresServiceDeskStore.newestFirst`), and runs its later stages on two connections at once: whichever
/// path answers and whichever connection finishes first, the answer must be the same.
@Suite("Search on PostgreSQL: the newest rows first or the index, one connection or two, the same answers")
struct PostgresSearchWindowTests {
    /// A database holding the contract's records as `change` leaves them; `body` gets stores reading the default
    /// window of newest rows, none and three.
    private func withDesk(
        _ name: String, change: (inout ServiceDeskRecords) throws -> Void = { _ in },
        _ body: (_ stores: [PostgresServiceDeskStore], _ records: ServiceDeskRecords) async throws -> Void
    ) async throws {
        try await TestPostgres.withDatabase(name, migrations: PostgresServiceDeskStoreContractTests.migrations) { database in
            try await PostgresResourceStorage(database: database)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            var records = await ServiceDeskStoreContract.records()
            try change(&records)
            let store = PostgresServiceDeskStore(database: database)
            try await store.importRecords(records, intoEmptyTenant: Tenant.defaultID)
            try await body([store, PostgresServiceDeskStore(database: database, searchWindow: 0), PostgresServiceDeskStore(database: database, searchWindow: 3)], records)
        }
    }

    @Test("searches answer the same with no window, a window of three rows and the default one, for staff and a customer")
    func windowsAgree() async throws {
        try await withDesk("desk_search_window") { stores, records in
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
                            let global = try await stores[0].searchEverything(query, kinds: [.ticket, .note], limitPerKind: limit, scope: scope)
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

    @Test("the stages rank in their order when they run on two connections: ticket words, note words, word starts in tickets and in notes, substrings")
    func stagesRankInOrder() async throws {
        // Five tickets spread over the desk, each found by one stage only: the oldest is found first, so the order
        // cannot come from the rows' age.
        var picked: [Int] = []
        try await withDesk("desk_search_stages", change: { records in
            picked = (0..<5).map { $0 * records.tickets.count / 5 }
            func subject(_ index: Int, _ text: String) { records.tickets[picked[index]].subject = text }
            func note(on index: Int, _ text: String) throws {
                let note = try #require(records.notes.firstIndex { $0.ticketID == records.tickets[picked[index]].id })
                records.notes[note].body = text
                records.notes[note].visibility = .public
            }
            subject(0, "Zorblat gateway down")
            try note(on: 1, "The zorblat gateway was rebooted.")
            subject(2, "Zorblatix relay")
            try note(on: 3, "Seen again on the zorblatix relay.")
            subject(4, "Unzorblated queue")
        }) { stores, records in
            let expected = picked.map { records.tickets[$0].id }
            let kinds: [TicketSearchHit.Field] = [.ticket, .note, .ticket, .note, .ticket]
            for store in stores {
                for limit in 1...6 {
                    let page = try await store.searchTickets(
                        "zorblat", filter: TicketFilter(statuses: Ticket.Status.allCases), limit: limit,
                        scope: ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil))
                    #expect(page.items.map(\.ticket.id) == Array(expected.prefix(limit)), "limit \(limit), window \(store.searchWindow)")
                    #expect(page.items.map(\.matchedIn) == Array(kinds.prefix(limit)), "limit \(limit), window \(store.searchWindow)")
                    #expect(Set(page.customerNames.keys) == Set(page.items.map(\.ticket.companyID)))
                }
            }
            let global = try await stores[0].searchEverything(
                "zorblat", kinds: [.ticket, .note], limitPerKind: 5, scope: ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil))
            #expect(global.items.filter { $0.kind == .ticket }.map(\.id) == [expected[0], expected[2], expected[4]])
            #expect(global.items.filter { $0.kind == .note }.map(\.ticketID) == [expected[1], expected[3]])
            #expect(global.items.map(\.kind) == [.ticket, .ticket, .ticket, .note, .note], "kinds in the order asked")
        }
    }
}
