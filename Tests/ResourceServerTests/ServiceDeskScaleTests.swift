import Foundation
import GRDB
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// What holds the desk's cost flat as it grows: copies of the demo for `seed-demo --scale`, search by
/// words and stems with partial words still found, keyset pages that seek, and the migration that builds
/// the word indexes for a database that has rows already.
@Suite("Service desk at scale: demo copies, word search, keyset pages, search migration")
struct ServiceDeskScaleTests {
    let now = Date(timeIntervalSince1970: 1_780_000_000)

    @Test("a demo copy is the same every time, distinct from the first, and numbered after it")
    func demoCopies() {
        let first = DemoDataSet.make(tenantID: "t", now: now)
        let second = DemoDataSet.make(tenantID: "t", now: now, copy: 1)
        #expect(DemoDataSet.make(tenantID: "t", now: now, copy: 1).tickets.map(\.id) == second.tickets.map(\.id))
        #expect(DemoDataSet.make(tenantID: "t", now: now, copy: 1).notes.map(\.body) == second.notes.map(\.body))
        #expect(Set(first.tickets.map(\.id)).isDisjoint(with: second.tickets.map(\.id)))
        #expect(Set(first.tickets.map(\.number)).isDisjoint(with: second.tickets.map(\.number)))
        #expect(Set(first.invoices.map(\.number)).isDisjoint(with: second.invoices.map(\.number)))
        #expect(second.tickets.count == DemoDataSet.ticketCount && second.companies.count == first.companies.count)
        #expect(second.companies[0].name == first.companies[0].name + " 2")
        #expect(!first.auditEntries.isEmpty && first.auditEntries.allSatisfy { $0.ticketID != nil })
    }

    @Test("importing three copies in batches gives three times the rows, every copy searchable, triggers back after the load, and refuses a second import")
    func batchedImport() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rs-scale-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let storage = try SQLiteResourceStorage(path: directory + "/resource.sqlite")
        try await storage.saveTenant(Tenant(id: "t", issuer: "https://as.example", resource: "https://rs.example/mcp"))
        let now = self.now
        try await storage.serviceDesk.importRecords(batches: 3, intoEmptyTenant: "t") { DemoDataSet.make(tenantID: "t", now: now, copy: $0) }
        let counts = try await storage.serviceDesk.counts(tenantID: "t")
        let copies = (0..<3).map { DemoDataSet.make(tenantID: "t", now: now, copy: $0) }
        #expect(counts.tickets == 3 * DemoDataSet.ticketCount)
        #expect(counts.notes == copies.map(\.notes.count).reduce(0, +) && counts.auditEntries == copies.map(\.auditEntries.count).reduce(0, +))
        let one = copies[0]
        let third = copies[2].tickets[17]
        let scope = ServiceDeskScope(tenantID: "t", companyID: nil)
        let hits = try await storage.serviceDesk.searchTickets(third.number, filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 5, scope: scope)
        #expect(hits.items.first?.ticket.id == third.id)
        await #expect(throws: TenantNotEmptyError.self) { try await storage.serviceDesk.importRecords(one, intoEmptyTenant: "t") }

        // With the statistics the load renewed, a device's alerts and a customer's backups are found by
        // their own index, not by walking the tenant's whole list in its order.
        let plans = try await storage.serviceDesk.database.pool.read { db in
            try [
                "SELECT * FROM alert WHERE alert.tenant_id = 't' AND alert.asset_id = 'x' AND alert.status IN ('open') \(KeysetOrder.alerts.orderBy)",
                "SELECT * FROM backup_job WHERE tenant_id = 't' AND company_id = 'x' AND status = 'failed' AND last_run_at >= '' ORDER BY last_run_at DESC, id",
                // The snapshot's top five walk an index of only the open ones.
                "SELECT * FROM ticket WHERE ticket.tenant_id = 't' AND ticket.company_id = 'x' AND \(SQLConditions.openTickets) \(KeysetOrder.tickets.orderBy) LIMIT 6",
                "SELECT * FROM alert WHERE alert.tenant_id = 't' AND alert.company_id = 'x' AND \(SQLConditions.activeAlerts) \(KeysetOrder.alerts.orderBy) LIMIT 6",
            ].map { sql in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ") }
        }
        // The open queue, and one person's, as the lists ask for them, walk indexes of the open tickets in the queue's order.
        let queuePlans = try await storage.serviceDesk.database.pool.read { db in
            try [
                TicketFilter(), TicketFilter(assignees: ["someone@example.com"]), TicketFilter(statuses: [.open]),
                TicketFilter(assignees: ["someone@example.com"], statuses: [.inProgress]),
            ].map { filter in
                let conditions = SQLConditions.tickets(filter, scope: scope, dialect: .sqlite)
                return try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN SELECT * FROM ticket \(conditions.sql) \(KeysetOrder.tickets.orderBy) LIMIT 26", arguments: conditions.arguments
                ).map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        #expect(queuePlans[0].contains("ticket_open_by_queue") && !queuePlans[0].contains("TEMP B-TREE"), "\(queuePlans[0])")
        #expect(queuePlans[1].contains("ticket_open_by_assignee_queue") && !queuePlans[1].contains("TEMP B-TREE"), "\(queuePlans[1])")
        #expect(queuePlans[2].contains("ticket_open_by_queue") && !queuePlans[2].contains("TEMP B-TREE"), "\(queuePlans[2])")
        #expect(queuePlans[3].contains("ticket_open_by_assignee_queue") && !queuePlans[3].contains("TEMP B-TREE"), "\(queuePlans[3])")
        #expect(plans[0].contains("alert_by_asset"), "\(plans[0])")
        #expect(plans[1].contains("backup_job_by_company"), "\(plans[1])")
        #expect(plans[2].contains("ticket_open_by_company_queue") && !plans[2].contains("TEMP B-TREE"), "\(plans[2])")
        #expect(plans[3].contains("alert_active_by_company_triage") && !plans[3].contains("TEMP B-TREE"), "\(plans[3])")

        // The device index follows a rename by any writer (its triggers came back after the load).
        let asset = one.assets[0]
        try await storage.serviceDesk.database.pool.write { db in
            try db.execute(sql: "UPDATE asset SET name = 'renamed-box-77' WHERE tenant_id = 't' AND id = ?", arguments: [asset.id])
        }
        let renamed = try await storage.serviceDesk.searchEverything("renamed-box-77", kinds: [.device], limitPerKind: 5, scope: scope)
        #expect(renamed.items.map(\.id) == [asset.id])
        let before = try await storage.serviceDesk.searchEverything(asset.name, kinds: [.device], limitPerKind: 50, scope: scope)
        #expect(!before.items.contains { $0.id == asset.id })
    }

    @Test("the word-search migration indexes the rows a database already holds")
    func migrationIndexesExistingRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rs-migrate-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let records = DemoDataSet.make(tenantID: "t", now: now)
        let ticket = try #require(records.tickets.first { $0.subject.contains("printer showing offline") })
        do {
            let pool = try DatabasePool(path: path)
            try SQLiteResourceStorage.migrator.migrate(pool, upTo: "v4: spent confirmations keep their answer")
            try await pool.write { db in
                try TenantTable.save(Tenant(id: "t", issuer: "https://as.example", resource: "https://rs.example/mcp"), in: db)
                try records.companies.first { $0.id == ticket.companyID }!.insert(db)
                try ticket.insert(db)
                for note in records.notes where note.ticketID == ticket.id { try note.insert(db) }
            }
            try pool.close()
        }
        let storage = try SQLiteResourceStorage(path: path)
        let scope = ServiceDeskScope(tenantID: "t", companyID: nil)
        let hits = try await storage.serviceDesk.searchTickets("printers offline", filter: TicketFilter(statuses: Ticket.Status.allCases), limit: 5, scope: scope)
        #expect(hits.items.map(\.ticket.id) == [ticket.id])
        let tables = try await storage.serviceDesk.database.pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        #expect(tables.contains("note_words") && tables.contains("asset_search") && !tables.contains("note_search"))
    }
}

/// The same, through the tools on the shared demo desk.
@Suite("Service-desk search and pages through the tools")
struct ServiceDeskSearchAndPagingTests {
    func call(_ client: DeskClient, _ name: String, _ arguments: [String: JSONValue], as person: DeskPerson? = nil) async throws -> ToolCallResult {
        let result = try await client.call(name, arguments, as: person ?? client.desk.admin)
        #expect(!result.isError, "\(name): \(result.text)")
        return result
    }

    @Test("search_tickets finds other forms of a word: \"printers offline\" finds \"printer showing offline\", ranked first")
    func stems() async throws {
        let desk = try await SeededDesk.shared.value
        let expected = Set(desk.records.tickets.filter { $0.subject.contains("printer showing offline") }.map(\.id))
        try await desk.session { client in
            let result = try await call(client, "search_tickets", ["query": "printers offline", "limit": 20])
            let first = try #require(result.items("tickets").first)
            #expect(expected.contains(first["id"]?.stringValue ?? ""))
            #expect(first["matched_in"] == "ticket")
            let global = try await call(client, "search_global", ["query": "printers offline", "kinds": ["ticket"], "limit": 5])
            #expect(global.ids("results").allSatisfy(expected.contains))
        }
    }

    @Test("search_tickets finds partial words: the start of a word, and a piece of a ticket number")
    func partialWords() async throws {
        let desk = try await SeededDesk.shared.value
        let target = desk.records.tickets[1234]
        try await desk.session { client in
            let start = try await call(client, "search_tickets", ["query": "ActiveSyn partners"])
            #expect(start.items("tickets").first?["matched_in"] == "note")
            #expect(start.items("tickets").first?["excerpt"]?.stringValue?.contains("[ActiveSyn]") == true)
            let notes = try await call(client, "search_global", ["query": "ActiveSyn", "kinds": ["note"], "limit": 5])
            #expect(!notes.items("results").isEmpty)
            // "T-11235" holds "1235" inside a word: only the trigram stage finds it.
            let piece = String(target.number.dropFirst(3))
            let number = try await call(client, "search_tickets", ["query": .string(piece), "limit": 100])
            #expect(number.ids("tickets").contains(target.id))
            #expect(number.items("tickets").allSatisfy { $0["number"]?.stringValue?.contains(piece) == true })
        }
    }

    @Test("search text is only ever words: FTS5 operators, quotes and stars are searched for, never obeyed", arguments: [
        #"printer" OR "vpn"#, "printer*", "NEAR(printer offline)", "subject:printer", #"""""#, "printer ^offline -vpn", "(printer) AND",
    ])
    func hostileQueries(_ query: String) async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            for tool in ["search_tickets", "search_global"] {
                let result = try await client.call(tool, ["query": .string(query)], as: desk.admin)
                #expect(result.status == .ok && result.errorCode == nil)
                #expect(!result.isError || result.text.contains("at least one word"), "\(tool) \(query): \(result.text)")
            }
        }
    }

    @Test("a company user's search stays in the company and never reaches an internal note")
    func searchScope() async throws {
        let desk = try await SeededDesk.shared.value
        let hidden = try #require(desk.internalNotes(of: desk.companyA).first)
        let words = hidden.body.split(separator: " ").prefix(4).joined(separator: " ")
        try await desk.session { client in
            let tickets = try await call(client, "search_tickets", ["query": "printer", "limit": 100], as: desk.userA)
            #expect(!tickets.items("tickets").isEmpty)
            #expect(tickets.items("tickets").allSatisfy { $0["customer_id"] == .string(desk.companyA.id) })
            let notes = try await call(client, "search_global", ["query": .string(words), "kinds": ["note"], "limit": 100], as: desk.userA)
            let internalIDs = Set(desk.internalNotes(of: desk.companyA).map(\.id))
            #expect(notes.ids("results").allSatisfy { !internalIDs.contains($0) })
            let staff = try await call(client, "search_global", ["query": .string(words), "kinds": ["note"], "limit": 100])
            let everyInternal = Set(desk.records.notes.filter { $0.visibility == .internal }.map(\.id))
            #expect(staff.ids("results").contains(where: everyInternal.contains), "staff find internal notes with the same words")
        }
    }

    /// Walks a list with small pages and returns its ids in order.
    func walk(_ client: DeskClient, _ tool: String, key: String, _ arguments: [String: JSONValue] = [:]) async throws -> [String] {
        var ids: [String] = []
        var cursor: String?
        repeat {
            var page = arguments
            page["limit"] = 7
            page["cursor"] = cursor.map(JSONValue.string)
            let result = try await call(client, tool, page)
            ids += result.ids(key)
            cursor = result.structured?["next_cursor"]?.stringValue
        } while cursor != nil
        return ids
    }

    @Test("deep pages give exactly the list's order, also where the keys run different ways (alerts) and the first has four values (tickets)")
    func deepPages() async throws {
        let desk = try await SeededDesk.shared.value
        let open = desk.records.tickets.filter(\.status.isOpen)
            .sorted { ($0.priority.rank, $0.createdAt, $0.id) < ($1.priority.rank, $1.createdAt, $1.id) }
        let alerts = desk.records.alerts.filter { $0.status != .resolved }.sorted {
            ($0.severity.rank, $1.createdAt, $0.id) < ($1.severity.rank, $0.createdAt, $1.id)
        }
        let invoices = desk.records.invoices.sorted { ($1.issuedOn, $0.id) < ($0.issuedOn, $1.id) }
        try await desk.session { client in
            let tickets = try await walk(client, "list_open_tickets", key: "tickets")
            #expect(tickets == open.map(\.id))
            let alertIDs = try await walk(client, "list_alerts", key: "alerts")
            #expect(alertIDs == alerts.map(\.id))
            let invoiceIDs = try await walk(client, "list_invoices", key: "invoices", ["since": "2000-01-01T00:00:00Z"])
            #expect(invoiceIDs == invoices.map(\.id))
        }
    }

    @Test("a malformed cursor, or one from another list, is a tool error that says to start again", arguments: [
        "k1.", "k1.!!!", "not-a-cursor", "k1." + Base64URL.encode(Data(#"["tickets",1]"#.utf8)),
        "k1." + Base64URL.encode(Data(#"["tickets",{"a":1},"x","y"]"#.utf8)),
    ])
    func badCursors(_ cursor: String) async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            let result = try await client.call("list_open_tickets", ["cursor": .string(cursor)], as: desk.admin)
            #expect(result.isError && result.text.contains("cursor is not one this list returned"))
        }
    }

    @Test("a cursor of one list is refused by another")
    func foreignCursor() async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            let customers = try await call(client, "list_customers", ["limit": 1])
            let cursor = try #require(customers.structured?["next_cursor"])
            for tool in ["list_open_tickets", "list_alerts", "list_recent_changes"] {
                let result = try await client.call(tool, ["cursor": cursor], as: desk.admin)
                #expect(result.isError && result.text.contains("cursor is not one this list returned"), "\(tool)")
            }
        }
    }
}
