import Foundation
import Shared
import Testing
import TestSupport

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// What every `ServiceDeskStore` does, written once over `any ServiceDeskStore` and run on each engine by
/// a suite that only says how to open a store (`SQLiteServiceDeskStoreContractTests`, `PostgresServiceDeskStoreContractTests`). Each check gets a
/// store of its own holding `ServiceDeskStoreContract.records`: three customers of the demo data set.
struct ServiceDeskStoreContract {
    let store: any ServiceDeskStore
    let records: ServiceDeskRecords
    let tenantID = Tenant.defaultID
    /// Whole seconds, as every engine stores them.
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))

    var companyA: Company { records.companies[0] }
    var companyB: Company { records.companies[1] }
    var everything: ServiceDeskScope { ServiceDeskScope(tenantID: tenantID, companyID: nil) }
    var onlyA: ServiceDeskScope { ServiceDeskScope(tenantID: tenantID, companyID: companyA.id) }

    /// Made once: the demo data set takes a second or two to generate.
    static let demo = Task.detached { DemoDataSet.make(tenantID: Tenant.defaultID, now: Date()) }

    /// The demo data set cut down to its first three customers and everything that belongs to them.
    static func records() async -> ServiceDeskRecords {
        let demo = await demo.value
        let companies = Set(demo.companies.prefix(3).map(\.id))
        var records = ServiceDeskRecords()
        records.companies = Array(demo.companies.prefix(3))
        records.contacts = demo.contacts.filter { companies.contains($0.companyID) }
        records.sites = demo.sites.filter { companies.contains($0.companyID) }
        records.assets = demo.assets.filter { companies.contains($0.companyID) }
        records.tickets = demo.tickets.filter { companies.contains($0.companyID) }
        let tickets = Set(records.tickets.map(\.id))
        records.notes = demo.notes.filter { tickets.contains($0.ticketID) }
        records.alerts = demo.alerts.filter { companies.contains($0.companyID) }
        let alerts = Set(records.alerts.map(\.id))
        records.alertEvents = demo.alertEvents.filter { alerts.contains($0.alertID) }
        records.contracts = demo.contracts.filter { companies.contains($0.companyID) }
        records.backupJobs = demo.backupJobs.filter { companies.contains($0.companyID) }
        records.invoices = demo.invoices.filter { companies.contains($0.companyID) }
        records.rules = demo.rules
        records.ruleExecutions = demo.ruleExecutions.filter { $0.companyID.map(companies.contains) ?? true }
        return records
    }

    /// Every page of a list, `limit` at a time, checking that each cursor continues where the last page ended.
    func walk<Item>(limit: Int, _ page: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        var request = PageRequest(limit: limit)
        for _ in 0..<10_000 {
            let page = try await page(request)
            #expect(page.items.count <= limit)
            items += page.items
            guard let next = page.nextCursor else { return items }
            #expect(page.items.count == limit, "only the last page is short")
            request.cursor = next
        }
        Issue.record("the pages never ended")
        return items
    }

    // MARK: listing

    func listing() async throws {
        let all = TicketFilter(statuses: Ticket.Status.allCases)
        let walked = try await walk(limit: 7) { try await store.tickets(all, page: $0, scope: everything) }
        #expect(walked.map(\.id).sorted() == records.tickets.map(\.id).sorted(), "every ticket once, however it is paged")
        let order = walked.map { ($0.priority.rank, $0.createdAt, $0.id) }
        #expect(zip(order, order.dropFirst()).allSatisfy { $0 < $1 }, "most pressing first, then oldest, then by id")
        let onePage = try await store.tickets(all, page: PageRequest(limit: 10_000), scope: everything)
        #expect(onePage.items.map(\.id) == walked.map(\.id) && onePage.nextCursor == nil)
        #expect(onePage.customerNames == Dictionary(uniqueKeysWithValues: records.companies.map { ($0.id, $0.name) }))

        // The open statuses by default; filters narrow.
        let open = try await walk(limit: 50) { try await store.tickets(TicketFilter(), page: $0, scope: everything) }
        #expect(Set(open.map(\.id)) == Set(records.tickets.filter(\.status.isOpen).map(\.id)))
        let urgentOfA = try await walk(limit: 5) {
            try await store.tickets(TicketFilter(customerID: companyA.id, priority: .urgent, statuses: Ticket.Status.allCases), page: $0, scope: everything)
        }
        #expect(Set(urgentOfA.map(\.id)) == Set(records.tickets.filter { $0.companyID == companyA.id && $0.priority == .urgent }.map(\.id)))
        let nobody = try await store.tickets(TicketFilter(assignees: [], statuses: Ticket.Status.allCases), page: PageRequest(limit: 5), scope: everything)
        #expect(nobody.items.isEmpty, "an empty assignee list matches nobody, never everybody")
        // Several assignees (a person is their email and their subject) are fetched apart and merged: the same
        // rows in the same order as the whole queue's, across pages.
        let people = Array(Set(records.tickets.compactMap { $0.assignee?.lowercased() })).sorted().prefix(2)
        #expect(people.count == 2)
        let queue = try await walk(limit: 50) { try await store.tickets(TicketFilter(), page: $0, scope: everything) }
        let theirs = try await walk(limit: 4) {
            try await store.tickets(TicketFilter(assignees: people + ["usr_nobody", people[people.startIndex]]), page: $0, scope: everything)
        }
        #expect(!theirs.isEmpty)
        #expect(theirs.map(\.id) == queue.filter { people.contains($0.assignee?.lowercased() ?? "") }.map(\.id))

        let alerts = try await walk(limit: 3) { try await store.alerts(AlertFilter(statuses: Alert.Status.allCases), page: $0, scope: everything) }
        #expect(alerts.map(\.id).sorted() == records.alerts.map(\.id).sorted())
        let alertOrder = alerts.map { ($0.severity.rank, -$0.createdAt.timeIntervalSince1970, $0.id) }
        #expect(zip(alertOrder, alertOrder.dropFirst()).allSatisfy { $0 < $1 }, "most severe first, then newest")
        let assets = try await walk(limit: 9) { try await store.assets(AssetFilter(), page: $0, scope: everything) }
        #expect(assets.map(\.id).sorted() == records.assets.map(\.id).sorted())
        #expect(zip(assets, assets.dropFirst()).allSatisfy { ($0.name, $0.id) < ($1.name, $1.id) })
        let invoices = try await walk(limit: 4) { try await store.invoices(InvoiceFilter(asOf: now), page: $0, scope: everything) }
        #expect(invoices.map(\.id).sorted() == records.invoices.map(\.id).sorted())
        let overdue = try await walk(limit: 4) { try await store.invoices(InvoiceFilter(status: .overdue, asOf: now), page: $0, scope: everything) }
        #expect(Set(overdue.map(\.id)) == Set(records.invoices.filter { $0.status == .open && $0.dueOn < now }.map(\.id)))
        let contracts = try await walk(limit: 2) { try await store.contracts(ContractFilter(), page: $0, scope: everything) }
        #expect(contracts.map(\.id).sorted() == records.contracts.map(\.id).sorted())
        let customers = try await walk(limit: 1) { try await store.customers(CustomerFilter(), page: $0, scope: everything) }
        #expect(customers.map(\.id).sorted() == records.companies.map(\.id).sorted())
        let named = try await store.customers(CustomerFilter(nameContains: companyA.name.uppercased()), page: PageRequest(limit: 10), scope: everything)
        #expect(named.items.map(\.id) == [companyA.id], "part of the name, any case")
        let executions = try await walk(limit: 3) { try await store.ruleExecutions(RuleExecutionFilter(), page: $0, scope: everything) }
        #expect(executions.map(\.id).sorted() == records.ruleExecutions.map(\.id).sorted())
        let changes = try await walk(limit: 6) {
            try await store.recentChanges(since: now.addingTimeInterval(-7 * 86_400), customerID: nil, page: $0, scope: everything)
        }
        let changedSince = now.addingTimeInterval(-7 * 86_400)
        #expect(
            Set(changes.map(\.id))
                == Set(records.tickets.filter { $0.updatedAt >= changedSince }.map(\.id) + records.alerts.filter { $0.updatedAt >= changedSince }.map(\.id)))
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.changedAt >= $1.changedAt }, "newest first")
    }

    // MARK: customers

    /// Each customer's detail and status snapshot, every figure and list counted from the records themselves.
    func customerViews() async throws {
        let failingSince = now.addingTimeInterval(-7 * 86_400)
        let endingBefore = now.addingTimeInterval(60 * 86_400)
        for company in records.companies {
            let ofCompany = { (companyID: String) in companyID == company.id }
            let openTickets = records.tickets.filter { ofCompany($0.companyID) && $0.status.isOpen }
            let activeAlerts = records.alerts.filter { ofCompany($0.companyID) && Alert.Status.activeStatuses.contains($0.status) }
            let activeContracts = records.contracts.filter { ofCompany($0.companyID) && $0.startsOn <= now && $0.endsOn >= now }
            let snapshot = try #require(
                try await store.statusSnapshot(
                    customerID: company.id, asOf: now, failingSince: failingSince, contractsEndingBefore: endingBefore, scope: everything))
            let detail = try #require(try await store.customer(id: company.id, asOf: now, scope: everything))
            for detail in [detail, snapshot.detail] {
                #expect(detail.company.id == company.id && detail.company.name == company.name)
                // Whole records in the stores' order: the primary contact first, then by name (bytes, as both engines
                // compare), then id.
                func byName(_ a: (name: String, id: String), _ b: (name: String, id: String)) -> Bool {
                    a.name == b.name ? a.id < b.id : a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
                }
                let contacts = records.contacts.filter { ofCompany($0.companyID) }.sorted {
                    $0.isPrimary != $1.isPrimary ? $0.isPrimary : byName(($0.name, $0.id), ($1.name, $1.id))
                }
                #expect(detail.contacts == contacts)
                let sites = records.sites.filter { ofCompany($0.companyID) }.sorted { byName(($0.name, $0.id), ($1.name, $1.id)) }
                #expect(detail.sites == sites)
                let rollup = detail.rollup
                #expect(rollup.openTickets == openTickets.count && rollup.openAlerts == activeAlerts.count)
                #expect(rollup.activeAssets == records.assets.filter { ofCompany($0.companyID) && $0.status == .active }.count)
                #expect(rollup.activeContracts == activeContracts.count)
                #expect(rollup.activeContractValueCents == activeContracts.map(\.valueCents).reduce(0, +))
                let nextEnd = activeContracts.map(\.endsOn).min()
                #expect((rollup.nextContractEnd == nil) == (nextEnd == nil))
                if let stored = rollup.nextContractEnd, let nextEnd { #expect(abs(stored.timeIntervalSince(nextEnd)) < 0.001) }
            }
            let pressing = openTickets.sorted { ($0.priority.rank, $0.createdAt, $0.id) < ($1.priority.rank, $1.createdAt, $1.id) }
            #expect(snapshot.topOpenTickets.map(\.id) == pressing.prefix(5).map(\.id))
            for (read, record) in zip(snapshot.topOpenTickets, pressing) {
                #expect(read.subject == record.subject && read.status == record.status && read.assignee == record.assignee)
                #expect(abs(read.createdAt.timeIntervalSince(record.createdAt)) < 0.001 && abs(read.updatedAt.timeIntervalSince(record.updatedAt)) < 0.001)
            }
            let severe = activeAlerts.sorted {
                ($0.severity.rank, -$0.createdAt.timeIntervalSince1970, $0.id) < ($1.severity.rank, -$1.createdAt.timeIntervalSince1970, $1.id)
            }
            #expect(snapshot.topOpenAlerts.map(\.id) == severe.prefix(5).map(\.id))
            let failing = records.backupJobs.filter { ofCompany($0.companyID) && $0.status == .failed && $0.lastRunAt >= failingSince }
            #expect(snapshot.failingBackups.map(\.id) == failing.sorted { ($1.lastRunAt, $0.id) < ($0.lastRunAt, $1.id) }.map(\.id))
            let ending = records.contracts.filter { ofCompany($0.companyID) && $0.endsOn >= now && $0.endsOn <= endingBefore }
            #expect(snapshot.expiringContracts.map(\.id) == ending.sorted { ($0.endsOn, $0.id) < ($1.endsOn, $1.id) }.map(\.id))
        }
        #expect(try await store.customer(id: "cus_missing", asOf: now, scope: everything) == nil)
    }

    func cursors() async throws {
        let first = try await store.tickets(TicketFilter(statuses: Ticket.Status.allCases), page: PageRequest(limit: 2), scope: everything)
        let cursor = try #require(first.nextCursor)
        await #expect(throws: ServiceDeskQueryError.invalidCursor) {
            try await store.alerts(AlertFilter(), page: PageRequest(limit: 2, cursor: cursor), scope: everything)
        }
        for bad in ["", "k1.", "k1.!!!", "k1." + String(repeating: "A", count: 3000), "k2." + cursor.dropFirst(3), String(cursor.dropLast(2))] {
            await #expect(throws: ServiceDeskQueryError.invalidCursor, "\(bad.prefix(40))") {
                try await store.tickets(TicketFilter(), page: PageRequest(limit: 2, cursor: bad), scope: everything)
            }
        }
    }

    // MARK: scope

    func scope() async throws {
        let ofB = try #require(records.tickets.first { $0.companyID == companyB.id })
        let all = TicketFilter(statuses: Ticket.Status.allCases)
        let seen = try await walk(limit: 25) { try await store.tickets(all, page: $0, scope: onlyA) }
        #expect(Set(seen.map(\.id)) == Set(records.tickets.filter { $0.companyID == companyA.id }.map(\.id)))
        let askedForB = try await store.tickets(TicketFilter(customerID: companyB.id, statuses: Ticket.Status.allCases), page: PageRequest(limit: 5), scope: onlyA)
        #expect(askedForB.items.isEmpty, "a filter cannot reach past the scope")
        #expect(try await store.ticket(id: ofB.id, noteLimit: 5, scope: onlyA) == nil, "outside the scope answers as a missing id does")
        #expect(try await store.customer(id: companyB.id, asOf: now, scope: onlyA) == nil)
        #expect(
            try await store.statusSnapshot(customerID: companyB.id, asOf: now, failingSince: now.addingTimeInterval(-86_400), contractsEndingBefore: now, scope: onlyA)
                == nil)
        #expect(try await store.auditEntries(ticketID: ofB.id, page: PageRequest(limit: 5), scope: onlyA) == nil)
        if let alert = records.alerts.first(where: { $0.companyID == companyB.id }) { #expect(try await store.alert(id: alert.id, scope: onlyA) == nil) }
        if let asset = records.assets.first(where: { $0.companyID == companyB.id }) { #expect(try await store.asset(id: asset.id, scope: onlyA) == nil) }
        #expect(try await store.ticket(id: ofB.id, noteLimit: 5, scope: everything)?.ticket.id == ofB.id)
        #expect(try await store.ticket(id: ofB.id, noteLimit: 5, scope: ServiceDeskScope(tenantID: "other", companyID: nil)) == nil, "another tenant")

        // A company user never sees internal notes, in a ticket or in a search.
        let hidden = try #require(records.notes.first { note in
            note.visibility == .internal && records.tickets.contains { $0.id == note.ticketID && $0.companyID == companyA.id }
        })
        let staffView = try #require(try await store.ticket(id: hidden.ticketID, noteLimit: 1_000, scope: everything))
        let userView = try #require(try await store.ticket(id: hidden.ticketID, noteLimit: 1_000, scope: onlyA))
        #expect(staffView.notes.contains { $0.id == hidden.id } && !userView.notes.contains { $0.id == hidden.id })
        #expect(userView.visibleNoteCount == staffView.visibleNoteCount - staffView.notes.filter { $0.visibility == .internal }.count)

        let customers = try await store.customers(CustomerFilter(), page: PageRequest(limit: 10), scope: onlyA)
        #expect(customers.items.map(\.id) == [companyA.id])
        let found = try await store.searchEverything(ofB.subject, kinds: GlobalSearchHit.Kind.allCases, limitPerKind: 20, scope: onlyA)
        #expect(found.items.allSatisfy { $0.companyID == companyA.id })
    }

    // MARK: search

    func search() async throws {
        let target = records.tickets[records.tickets.count / 2]
        let byNumber = try await store.searchTickets(target.number, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 5, scope: everything)
        #expect(byNumber.items.first?.ticket.id == target.id, "a ticket's number finds it first")
        let bySubject = try await store.searchTickets(target.subject, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 1_000, scope: everything)
        #expect(bySubject.items.contains { $0.ticket.id == target.id }, "its subject finds it")
        #expect(bySubject.items.filter { $0.matchedIn == .ticket }.allSatisfy { $0.excerpt.contains("[") && $0.excerpt.contains("]") }, "excerpts bracket the terms")
        let word = try #require(target.subject.split(separator: " ").map(String.init).filter { $0.count >= 5 }.first)
        let partial = String(word.prefix(word.count - 1))
        let near = try await store.searchTickets(partial, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 50, scope: everything)
        #expect(!near.items.isEmpty, "part of a word still finds something: \(partial)")
        let ofB = try await store.searchTickets(
            target.subject, filter: TicketFilter(customerID: companyB.id, statuses: Ticket.Status.allCases), limit: 50, scope: everything)
        #expect(ofB.items.allSatisfy { $0.ticket.companyID == companyB.id }, "the customer filter holds in search")
        let byEmail = try await store.searchTickets(target.requesterEmail, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 1_000, scope: everything)
        #expect(byEmail.items.contains { $0.ticket.id == target.id }, "a requester's email finds their tickets")

        await #expect(throws: ServiceDeskQueryError.searchTermsTooShort) {
            try await store.searchTickets("a b c", filter: TicketFilter(), limit: 5, scope: everything)
        }
        // Whatever is typed is plain words: no syntax, no SQL, no error but "too short".
        let hostile = [
            #"" OR 1=1 --"#, "printer\" OR \"x", "NEAR(printer scanner)", "print*", "subject:printer", "^printer", "(((", "'; DROP TABLE ticket; --",
            "%_%", #"C:\Users\%USERNAME%"#, "printer AND NOT scanner", "Ünïcödé 🙂 日本語 ошибка", String(repeating: "printer scanner ", count: 640),
            "\u{0}\u{1}nul bytes\u{7f}", "ŉoffline ŉ'x", #"café\ 'résumé':*"#,
        ]
        for text in hostile {
            let hits = try await store.searchTickets(text, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 5, scope: onlyA)
            #expect(hits.items.allSatisfy { $0.ticket.companyID == companyA.id }, "\(text.prefix(30))")
            let everywhere = try await store.searchEverything(text, kinds: GlobalSearchHit.Kind.allCases, limitPerKind: 3, scope: onlyA)
            #expect(everywhere.items.allSatisfy { $0.companyID == companyA.id }, "\(text.prefix(30))")
        }
        #expect(try await store.counts(tenantID: tenantID).tickets == records.tickets.count, "no text changed anything")

        let customer = try await store.searchEverything(companyA.name, kinds: [.customer], limitPerKind: 5, scope: everything)
        #expect(customer.items.first?.kind == .customer && customer.items.first?.id == companyA.id)
        // A customer by pieces of its domain and name, any case, in any order; never one outside the scope.
        let domainPiece = String(companyA.domain.prefix(while: { $0 != "." }).dropFirst().prefix(5)).uppercased()
        let namePiece = String(companyA.name.split(separator: " ").last!).lowercased()
        let pieces = try await store.searchEverything("\(namePiece) \(domainPiece)", kinds: [.customer], limitPerKind: 5, scope: everything)
        #expect(pieces.items.map(\.id) == [companyA.id], "\(namePiece) \(domainPiece)")
        let elsewhere = try await store.searchEverything(companyB.name, kinds: [.customer], limitPerKind: 5, scope: onlyA)
        #expect(elsewhere.items.isEmpty, "a company user finds no other customer")
        let kinds = try await store.searchEverything(target.subject, kinds: [.ticket], limitPerKind: 3, scope: everything)
        #expect(!kinds.items.isEmpty && kinds.items.allSatisfy { $0.kind == .ticket } && kinds.items.count <= 3)

        // Accents are folded ("resume" finds "résumé"), and the beginning of a word finds it in a note ("offl" finds "offline").
        let new = NewTicket(
            customerID: companyA.id, subject: "Résumé template broken", description: "The Quarkbridge gateway went offline overnight.", priority: .low,
            requesterEmail: "a@example.com", assetID: nil)
        guard case .done(let created) = try await write(.createTicket(new), tool: "create_ticket", arguments: ["search": 1]), let made = created.ticket
        else {
            Issue.record("the ticket to search for is made")
            return
        }
        let statuses = TicketFilter(statuses: Ticket.Status.allCases)
        let folded = try await store.searchTickets("resume template", filter: statuses, limit: 1_000, scope: everything)
        #expect(folded.items.contains { $0.ticket.id == made.id && $0.matchedIn == .ticket }, "resume finds résumé")
        let begun = try await store.searchTickets("quarkbr offl", filter: statuses, limit: 1_000, scope: everything)
        #expect(begun.items.contains { $0.ticket.id == made.id && $0.matchedIn == .note }, "offl finds offline in a note")
        let notes = try await store.searchEverything("quarkbr offl", kinds: [.note], limitPerKind: 5, scope: everything)
        #expect(notes.items.contains { $0.ticketID == made.id }, "and among notes")
        // Words that each occur, but never together in one ticket's own fields or in one note, find nothing: every
        // stage runs and finds no row (on SQLite, each index is first asked whether it holds any match at all).
        let apart = try await store.searchTickets("quarkbridge template", filter: statuses, limit: 1_000, scope: everything)
        #expect(apart.items.isEmpty, "\(apart.items.map(\.ticket.subject))")
        let apartEverywhere = try await store.searchEverything("quarkbridge template", kinds: [.ticket, .note], limitPerKind: 5, scope: everything)
        #expect(apartEverywhere.items.isEmpty)
        let together = try await store.searchTickets("quarkbridge overnight", filter: statuses, limit: 1_000, scope: everything)
        #expect(together.items.map(\.ticket.id) == [made.id], "the same words in one note find it")
        // Query syntax typed is searched for as words, never obeyed: "!" does not exclude, ":*" and "|" are no operators.
        let operators = try await store.searchTickets("quarkbr:* | !offl", filter: statuses, limit: 1_000, scope: everything)
        #expect(operators.items.contains { $0.ticket.id == made.id })
    }

    // MARK: writes

    func caller(_ subject: String, company: String? = nil) -> Caller {
        Caller(
            claims: AccessTokenClaims(
                issuer: "https://issuer", subject: subject, audience: "https://resource", clientID: "client-1", scope: "tickets:write", issuedAt: 0,
                expiresAt: 1, tokenID: "t", grantID: "grant-\(subject)", tenantID: tenantID, role: company == nil ? "technician" : "company",
                company: company, email: "\(subject)@example.com"),
            tokenKind: .accessToken)
    }

    func write(
        _ change: DeskChange, tool: String, arguments: JSONValue, mode: DeskWrite.Mode = .commit(confirmation: nil), key: String? = nil,
        scope: ServiceDeskScope? = nil, subject: String = "tech"
    ) async throws -> DeskWriteResult {
        let scope = scope ?? everything
        let caller = caller(subject, company: scope.companyID)
        let audit = AuditTrail(tenantID: tenantID, tool: tool, caller: caller, arguments: arguments, now: now)
        return try await store.perform(
            DeskWrite(
                change: change, scope: scope, actor: "\(subject)@example.com", now: now, mode: mode, idempotency: key.map(IdempotencyClaim.init(key:)),
                fingerprint: WriteFingerprint(subject: subject, tool: tool, argumentDigest: AuditTrail.digest(arguments))),
            audit: audit)
    }

    func writes() async throws {
        let before = try await store.counts(tenantID: tenantID)
        let new = NewTicket(
            customerID: companyA.id, subject: "Scanner jams", description: "Every second page.", priority: .high, requesterEmail: "a@example.com",
            assetID: nil)
        let arguments: JSONValue = ["customer_id": .string(companyA.id), "subject": "Scanner jams"]

        // A dry run works the change out and keeps nothing but its audit entry.
        guard case .dryRun(let preview) = try await write(.createTicket(new), tool: "create_ticket", arguments: arguments, mode: .dryRun) else {
            Issue.record("a dry run answers as one")
            return
        }
        #expect(preview.ticket?.subject == "Scanner jams")
        #expect(try await store.counts(tenantID: tenantID).tickets == before.tickets)

        guard case .done(let created) = try await write(.createTicket(new), tool: "create_ticket", arguments: arguments, key: "key-1"),
            let ticket = created.ticket
        else {
            Issue.record("the write is done")
            return
        }
        let highest = records.tickets.compactMap { Int($0.number.dropFirst(2)) }.max() ?? 0
        #expect(ticket.number == "T-\(highest + 1)" && ticket.status == .new && ticket.companyID == companyA.id)
        #expect(try await store.ticket(id: ticket.id, noteLimit: 5, scope: onlyA)?.notes.map(\.body) == ["Every second page."])

        // The same key and call: the first answer, nothing new. The same key for another call: refused.
        #expect(try await write(.createTicket(new), tool: "create_ticket", arguments: arguments, key: "key-1") == .replayed(created, by: .idempotencyKey))
        var other = new
        other.subject = "Printer jams"
        await #expect(throws: DeskWriteError.idempotencyKeyReused) {
            try await write(.createTicket(other), tool: "create_ticket", arguments: ["subject": "Printer jams"], key: "key-1")
        }
        // Keys are the caller's own: another person's same key is a new write.
        guard case .done(let theirs) = try await write(.createTicket(new), tool: "create_ticket", arguments: arguments, key: "key-1", subject: "other")
        else {
            Issue.record("another person's key is their own")
            return
        }
        #expect(theirs.ticket?.id != ticket.id)
        #expect(try await store.counts(tenantID: tenantID).tickets == before.tickets + 2)

        // Every other kind of change.
        let noted = try await write(.addNote(ticketID: ticket.id, visibility: .internal, body: "Checked the rollers."), tool: "add_ticket_note", arguments: ["n": 1])
        guard case .done(let noteReport) = noted else { Issue.record("note added"); return }
        #expect(noteReport.note?.visibility == .internal)
        await #expect(throws: DeskWriteError.conflict("internal notes are for the service provider's staff only")) {
            try await write(.addNote(ticketID: ticket.id, visibility: .internal, body: "x"), tool: "add_ticket_note", arguments: ["n": 2], scope: onlyA)
        }
        let resolved = try await write(.setTicketStatus(ticketID: ticket.id, status: .resolved, note: "Replaced the rollers."), tool: "update_ticket_status", arguments: ["s": 1])
        guard case .done(let statusReport) = resolved else { Issue.record("status set"); return }
        #expect(statusReport.ticket?.status == .resolved && statusReport.changes.first?.from == "new")
        await #expect(throws: DeskWriteError.self) {
            try await write(.setTicketStatus(ticketID: ticket.id, status: .resolved, note: nil), tool: "update_ticket_status", arguments: ["s": 2])
        }
        let ofB = try #require(records.tickets.first { $0.companyID == companyB.id })
        await #expect(throws: DeskWriteError.notFound(kind: "ticket", id: ofB.id), "a write reaches no further than a read") {
            try await write(.addNote(ticketID: ofB.id, visibility: .public, body: "x"), tool: "add_ticket_note", arguments: ["n": 3], scope: onlyA)
        }
        if let alert = records.alerts.first(where: { $0.status == .open }) {
            let acknowledged = try await write(.updateAlert(alertID: alert.id, action: .acknowledged, note: "On it."), tool: "acknowledge_alert", arguments: ["a": 1])
            guard case .done(let alertReport) = acknowledged else { Issue.record("alert acknowledged"); return }
            #expect(alertReport.alert?.status == .acknowledged)
            #expect(try await store.alert(id: alert.id, scope: everything)?.history.last?.note == "On it.")
        }
        if let rule = records.rules.first(where: \.enabled) {
            let ran = try await write(.runRule(ruleID: rule.id, customerID: companyA.id), tool: "run_rule", arguments: ["r": 1])
            guard case .done(let ruleReport) = ran else { Issue.record("rule ran"); return }
            #expect(ruleReport.ruleExecution?.ruleID == rule.id)
        }

        // Each write's audit entry is in the log with the ticket it concerned, newest first.
        let audit = try #require(try await store.auditEntries(ticketID: ticket.id, page: PageRequest(limit: 10), scope: everything))
        #expect(audit.items.map(\.tool) == ["update_ticket_status", "add_ticket_note", "create_ticket", "create_ticket"])
        #expect(audit.items.map(\.outcome) == ["ok", "ok", "replayed", "ok"])
    }

    func confirmations() async throws {
        try await store.saveSettings(DeskSettings(confirmWrites: true), tenantID: tenantID)
        #expect(try await store.settings(tenantID: tenantID) == DeskSettings(confirmWrites: true))
        let ticket = try #require(records.tickets.first { $0.companyID == companyA.id && $0.status != .closed })
        let change = DeskChange.addNote(ticketID: ticket.id, visibility: .public, body: "Looking into it.")
        let arguments: JSONValue = ["ticket_id": .string(ticket.id)]
        let notes = try await store.counts(tenantID: tenantID).notes
        guard case .awaitingConfirmation(_, let id, _) = try await write(change, tool: "add_ticket_note", arguments: arguments, mode: .preview(expiresAt: now.addingTimeInterval(600)))
        else {
            Issue.record("a preview holds a confirmation")
            return
        }
        #expect(try await store.counts(tenantID: tenantID).notes == notes, "a preview changes nothing")
        await #expect(throws: DeskWriteError.self, "another person cannot spend it") {
            try await write(change, tool: "add_ticket_note", arguments: arguments, mode: .commit(confirmation: id), subject: "other")
        }
        await #expect(throws: DeskWriteError.self, "nor can other arguments") {
            try await write(.addNote(ticketID: ticket.id, visibility: .public, body: "Else."), tool: "add_ticket_note", arguments: ["x": 1], mode: .commit(confirmation: id))
        }
        guard case .done(let done) = try await write(change, tool: "add_ticket_note", arguments: arguments, mode: .commit(confirmation: id)) else {
            Issue.record("the confirmed write is done")
            return
        }
        #expect(try await write(change, tool: "add_ticket_note", arguments: arguments, mode: .commit(confirmation: id)) == .replayed(done, by: .confirmation))
        #expect(try await store.counts(tenantID: tenantID).notes == notes + 1, "once")
        try await store.saveSettings(DeskSettings(confirmWrites: false), tenantID: tenantID)
        #expect(try await store.settings(tenantID: tenantID) == DeskSettings(confirmWrites: false))
        #expect(try await store.settings(tenantID: "unconfigured") == DeskSettings(), "a tenant never set has the defaults")
    }

    // MARK: audit log

    func auditLog() async throws {
        try await AuditLogContract(store: store, now: now) { [store, tenantID] in try await store.auditEntries(tenantID: tenantID, of: $0, limit: $1) }
            .exportSelectAndPrune()
    }

    // MARK: counts and import

    func countsAndImport() async throws {
        let counts = try await store.counts(tenantID: tenantID)
        #expect(counts.companies == records.companies.count && counts.tickets == records.tickets.count && counts.notes == records.notes.count)
        #expect(counts.assets == records.assets.count && counts.alerts == records.alerts.count && counts.alertEvents == records.alertEvents.count)
        #expect(counts.contracts == records.contracts.count && counts.backupJobs == records.backupJobs.count && counts.invoices == records.invoices.count)
        #expect(counts.rules == records.rules.count && counts.ruleExecutions == records.ruleExecutions.count && counts.contacts == records.contacts.count)
        #expect(try await store.counts(tenantID: "other") == ServiceDeskCounts())
        await #expect(throws: TenantNotEmptyError(tenantID: tenantID, customers: records.companies.count)) {
            try await store.importRecords(records, intoEmptyTenant: tenantID)
        }
        #expect(try await store.counts(tenantID: tenantID) == counts, "a refused import adds nothing")
    }

    func rules() async throws {
        let rules = try await store.rules(tenantID: tenantID)
        #expect(Set(rules.map(\.id)) == Set(records.rules.map(\.id)))
        #expect(rules.map { $0.name.lowercased() } == rules.map { $0.name.lowercased() }.sorted(), "by name")
        #expect(try await store.rules(tenantID: "other").isEmpty)
    }
}

extension ServiceDeskStoreContract {
    /// The checks, each named once for every engine's suite.
    enum Check: String, CaseIterable, CustomTestStringConvertible {
        case listing, customers, cursors, scope, search, writes, confirmations, auditLog, countsAndImport, rules

        var testDescription: String { rawValue }

        func run(_ contract: ServiceDeskStoreContract) async throws {
            switch self {
            case .listing: try await contract.listing()
            case .customers: try await contract.customerViews()
            case .cursors: try await contract.cursors()
            case .scope: try await contract.scope()
            case .search: try await contract.search()
            case .writes: try await contract.writes()
            case .confirmations: try await contract.confirmations()
            case .auditLog: try await contract.auditLog()
            case .countsAndImport: try await contract.countsAndImport()
            case .rules: try await contract.rules()
            }
        }
    }
}

@Suite("ServiceDeskStore contract on SQLite")
struct SQLiteServiceDeskStoreContractTests {
    @Test("the store keeps the contract", arguments: ServiceDeskStoreContract.Check.allCases)
    func contract(_ check: ServiceDeskStoreContract.Check) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("desk-contract-\(UUID().uuidString).sqlite").path
        let storage = try SQLiteResourceStorage(path: path)
        try await storage.saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
        let records = await ServiceDeskStoreContract.records()
        try await storage.serviceDesk.importRecords(records, intoEmptyTenant: Tenant.defaultID)
        try await check.run(ServiceDeskStoreContract(store: storage.serviceDesk, records: records))
    }
}

@Suite("ServiceDeskStore contract on PostgreSQL")
struct PostgresServiceDeskStoreContractTests {
    static let migrations = PostgresResourceStorage.migrations + PostgresServiceDeskStore.migrations

    @Test("the store keeps the contract", arguments: ServiceDeskStoreContract.Check.allCases)
    func contract(_ check: ServiceDeskStoreContract.Check) async throws {
        try await TestPostgres.withDatabase("desk_contract", migrations: Self.migrations) { database in
            try await PostgresResourceStorage(database: database)
                .saveTenant(Tenant(id: Tenant.defaultID, issuer: "https://issuer", resource: "https://resource"))
            let store = PostgresServiceDeskStore(database: database)
            let records = await ServiceDeskStoreContract.records()
            try await store.importRecords(records, intoEmptyTenant: Tenant.defaultID)
            try await check.run(ServiceDeskStoreContract(store: store, records: records))
        }
    }
}
