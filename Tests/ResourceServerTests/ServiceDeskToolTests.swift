import Foundation
import GRDB
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// Each read tool against the seeded demo desk, through the MCP endpoint: what it returns is right, and
/// its structured content matches the output schema it publishes.
@Suite("Service-desk read tools on the demo data")
struct ServiceDeskToolTests {
    static let writeToolNames = [
        "create_ticket", "reply_to_ticket", "add_internal_note", "update_ticket_status", "acknowledge_alert", "resolve_alert",
    ]
    static let highTrustToolNames = ["close_ticket", "run_rule"]
    static let toolNames = [
        "list_customers", "get_customer", "get_customer_status_snapshot", "list_open_tickets", "get_ticket", "search_tickets",
        "list_my_assignments", "list_alerts", "get_alert", "list_assets", "get_asset", "list_contracts", "list_backups_failing",
        "list_invoices", "list_recent_changes", "search_global", "get_audit_log_for_ticket", "list_rules", "list_rule_executions",
    ]

    /// Calls a tool as `person` and checks the answer is a result whose structured content fits the tool's schema.
    func call(_ client: DeskClient, _ name: String, _ arguments: [String: JSONValue] = [:], as person: DeskPerson? = nil) async throws -> ToolCallResult {
        let result = try await client.call(name, arguments, as: person ?? client.desk.admin)
        #expect(result.status == .ok)
        #expect(!result.isError, "\(name): \(result.text)")
        #expect(!result.text.isEmpty)
        let schema = try #require(client.desk.environment.registry.tool(named: name)?.outputSchema)
        let structured = try #require(result.structured, "\(name) returned no structured content")
        #expect(JSONSchemaValidator.problem(in: structured, against: schema) == nil, "\(name): \(JSONSchemaValidator.problem(in: structured, against: schema) ?? "")")
        return result
    }

    func date(_ value: JSONValue?) throws -> Date { try #require(value?.stringValue.flatMap(ToolDates.parse)) }

    @Test("The registry offers whoami and every service-desk tool, reads then writes then high-trust, with closed input schemas and output schemas")
    func registry() async throws {
        let desk = try await SeededDesk.shared.value
        let tools = desk.environment.registry.tools
        #expect(tools.map(\.name) == ["whoami"] + Self.toolNames + Self.writeToolNames + Self.highTrustToolNames)
        for tool in tools.dropFirst() {
            let expectedKind: ToolKind = Self.toolNames.contains(tool.name) ? .read : Self.writeToolNames.contains(tool.name) ? .write : .highTrust
            #expect(tool.kind == expectedKind, "\(tool.name)")
            // A tool's roles never exceed what its scopes allow: the scope catalogue has the last word.
            let roles = try #require(tool.roles, "\(tool.name) must name its roles")
            #expect(roles.isSubset(of: ServiceDeskTools.roles(allowedBy: tool.requiredScopes)) && !roles.isEmpty, "\(tool.name)")
            #expect(tool.inputSchema["additionalProperties"] == false, "\(tool.name)")
            #expect(tool.outputSchema?["type"] == "object", "\(tool.name)")
            #expect(!tool.requiredScopes.isEmpty && tool.requiredScopes.allSatisfy { ScopeCatalog.definition(named: $0) != nil }, "\(tool.name)")
            #expect(tool.description.count > 100, "\(tool.name): a description a model can choose by")
        }
        // The scopes the issue names, one per area and access; `mfa` is asked for by challenge only (docs/tokens.md § MFA elevation).
        #expect(desk.environment.registry.allScopes == [
            "alerts:read", "alerts:write", "assets:read", "audit:read", "billing:read", "contracts:read", "customers:read", "notes:write", "rules:run",
            "search:read", "tickets:read", "tickets:write",
        ])
    }

    @Test("list_customers pages through every customer by name once; name and status filter")
    func listCustomers() async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            var names: [String] = []
            var ids: [String] = []
            var cursor: String?
            repeat {
                var arguments: [String: JSONValue] = ["limit": 15]
                arguments["cursor"] = cursor.map(JSONValue.string)
                let page = try await call(client, "list_customers", arguments)
                names += page.items("customers").compactMap { $0["name"]?.stringValue }
                ids += page.ids("customers")
                cursor = page.structured?["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(Set(ids).count == 40 && ids.count == 40)
            #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })

            let dental = try await call(client, "list_customers", ["name": "DENTAL"])
            #expect(dental.items("customers").compactMap { $0["name"]?.stringValue } == ["Harbor Dental Group"])
            let churned = try await call(client, "list_customers", ["status": "churned"])
            #expect(churned.items("customers").map { $0["status"] } == ["churned"])
            let literal = try await call(client, "list_customers", ["name": "%"])
            #expect(literal.items("customers").isEmpty, "% is a character, not a wildcard")
        }
    }

    @Test("get_customer returns contacts, sites and rollups that agree with the data")
    func getCustomer() async throws {
        let desk = try await SeededDesk.shared.value
        let company = desk.companyA
        try await desk.session { client in
            let result = try await call(client, "get_customer", ["customer_id": .string(company.id)])
            let customer = try #require(result.structured)
            #expect(customer["id"] == .string(company.id))
            #expect(customer["name"] == .string(company.name))
            let openTickets = desk.tickets(of: company).filter(\.status.isOpen).count
            #expect(customer["rollup"]?["open_tickets"] == .int(Int64(openTickets)))
            let openAlerts = desk.alerts(of: company).filter { $0.status != .resolved }.count
            #expect(customer["rollup"]?["open_alerts"] == .int(Int64(openAlerts)))
            guard case .array(let contacts)? = customer["contacts"] else { Issue.record("no contacts"); return }
            #expect(contacts.first?["is_primary"] == true)
            #expect(result.text.contains(company.name))
        }
    }

    @Test("get_customer_status_snapshot: open tickets and alerts with their top 5, failing backups, expiring contracts")
    func snapshot() async throws {
        let desk = try await SeededDesk.shared.value
        // Every fifth customer from the third on has its agreement ending within 60 days.
        let company = desk.records.companies[2]
        try await desk.session { client in
            let result = try await call(client, "get_customer_status_snapshot", ["customer_id": .string(company.id)])
            let snapshot = try #require(result.structured)
            #expect(snapshot["customer"]?["id"] == .string(company.id))
            #expect(snapshot["customer"]?["primary_contact"]?["email"] != nil)
            #expect(snapshot["open_tickets"]?["count"] == .int(Int64(desk.tickets(of: company).filter(\.status.isOpen).count)))
            guard case .array(let top)? = snapshot["open_tickets"]?["top"] else { Issue.record("no top tickets"); return }
            #expect(top.count == min(5, desk.tickets(of: company).filter(\.status.isOpen).count))
            let ranks = top.compactMap { $0["priority"]?.stringValue.flatMap(Ticket.Priority.init(rawValue:))?.rank }
            #expect(ranks == ranks.sorted())
            guard case .array(let contracts)? = snapshot["expiring_contracts"], case .array(let backups)? = snapshot["failing_backups"] else {
                Issue.record("no contracts or backups"); return
            }
            #expect(contracts.contains { $0["name"] == "Managed Services Agreement" })
            for contract in contracts {
                #expect((0...60).contains(contract["days_until_end"].flatMap { if case .int(let days) = $0 { Int(days) } else { nil } } ?? -1))
            }
            for backup in backups {
                #expect(backup["status"] == "failed")
                #expect(try date(backup["last_run_at"]) >= Date().addingTimeInterval(-7 * 86_400 - 60))
            }
            #expect(result.text.contains("Contracts ending within 60 days"))
        }
    }

    @Test("list_open_tickets: only open tickets, most pressing first, filters, and a full walk finds each open ticket once")
    func listOpenTickets() async throws {
        let desk = try await SeededDesk.shared.value
        let open = desk.records.tickets.filter(\.status.isOpen)
        try await desk.session { client in
            var seen: [String] = []
            var cursor: String?
            repeat {
                var arguments: [String: JSONValue] = ["limit": 100]
                arguments["cursor"] = cursor.map(JSONValue.string)
                let page = try await call(client, "list_open_tickets", arguments)
                let ranks = page.items("tickets").compactMap { $0["priority"]?.stringValue.flatMap(Ticket.Priority.init(rawValue:))?.rank }
                #expect(ranks == ranks.sorted())
                seen += page.ids("tickets")
                cursor = page.structured?["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(seen.count == open.count && Set(seen) == Set(open.map(\.id)))

            let urgentA = try await call(client, "list_open_tickets", ["customer_id": .string(desk.companyA.id), "priority": "urgent", "limit": 100])
            #expect(Set(urgentA.ids("tickets")) == Set(open.filter { $0.companyID == desk.companyA.id && $0.priority == .urgent }.map(\.id)))
            let waiting = try await call(client, "list_open_tickets", ["status": "waiting_on_customer"])
            #expect(waiting.items("tickets").allSatisfy { $0["status"] == "waiting_on_customer" })
            let byAssignee = try await call(client, "list_open_tickets", ["assignee": "Marcus.Reed@gatehouse.local", "limit": 100])
            #expect(byAssignee.ids("tickets").count == open.filter { $0.assignee == "marcus.reed@gatehouse.local" }.count)
            #expect(byAssignee.items("tickets").allSatisfy { $0["customer_name"] != nil })
        }
    }

    @Test("list_my_assignments finds the caller's open tickets by the email in their token, any case")
    func myAssignments() async throws {
        let desk = try await SeededDesk.shared.value
        let mine = desk.records.tickets.filter { $0.status.isOpen && $0.assignee == "priya.shah@gatehouse.local" }
        #expect(!mine.isEmpty)
        try await desk.session { client in
            let result = try await call(client, "list_my_assignments", ["limit": 100], as: desk.technician)
            #expect(Set(result.ids("tickets")) == Set(mine.map(\.id)))
            let newcomer = DeskPerson(label: "new technician", subject: "usr_new", role: "technician", company: nil, email: "new@gatehouse.local")
            let none = try await call(client, "list_my_assignments", as: newcomer)
            #expect(none.ids("tickets").isEmpty)
            #expect(none.text.contains("No open tickets are assigned to you (new@gatehouse.local)"))
        }
    }

    @Test("get_ticket shows the newest 25 notes, newest first, and the whole count")
    func getTicket() async throws {
        let desk = try await SeededDesk.shared.value
        let ticket = try #require(desk.records.tickets.first { ticket in desk.records.notes.filter { $0.ticketID == ticket.id }.count >= 4 })
        let notes = desk.records.notes.filter { $0.ticketID == ticket.id }
        try await desk.session { client in
            let result = try await call(client, "get_ticket", ["ticket_id": .string(ticket.id)])
            #expect(result.structured?["number"] == .string(ticket.number))
            #expect(result.structured?["note_count"] == .int(Int64(notes.count)))
            guard case .array(let shown)? = result.structured?["notes"] else { Issue.record("no notes"); return }
            let times = try shown.map { try date($0["created_at"]) }
            #expect(times == times.sorted(by: >))
            #expect(Set(shown.compactMap { $0["id"]?.stringValue }) == Set(notes.map(\.id)))
            #expect(result.text.contains(ticket.subject))
        }
    }

    @Test("search_tickets ranks by subject, number and requester, finds thread text, and filters by status")
    func searchTickets() async throws {
        let desk = try await SeededDesk.shared.value
        let target = desk.records.tickets[1234]
        try await desk.session { client in
            let byNumber = try await call(client, "search_tickets", ["query": .string(target.number)])
            #expect(byNumber.ids("tickets").first == target.id)
            let byRequester = try await call(client, "search_tickets", ["query": .string(target.requesterEmail), "limit": 100])
            #expect(byRequester.ids("tickets").contains(target.id))

            let vpn = try await call(client, "search_tickets", ["query": "vpn", "limit": 50])
            #expect(vpn.items("tickets").count == 50)
            #expect(vpn.items("tickets").prefix(10).allSatisfy { $0["subject"]?.stringValue?.lowercased().contains("vpn") == true },
                    "subject matches rank above thread matches")
            let thread = try await call(client, "search_tickets", ["query": "ActiveSync partnership"])
            #expect(thread.items("tickets").first?["matched_in"] == "note")
            #expect(thread.items("tickets").first?["excerpt"]?.stringValue?.contains("[ActiveSync]") == true)

            let closed = try await call(client, "search_tickets", ["query": "printer", "status": "closed"])
            #expect(!closed.items("tickets").isEmpty && closed.items("tickets").allSatisfy { $0["status"] == "closed" })
        }
    }

    @Test("list_alerts lists open and acknowledged alerts most severe first; get_alert shows the history")
    func alerts() async throws {
        let desk = try await SeededDesk.shared.value
        let active = desk.records.alerts.filter { $0.status != .resolved }
        try await desk.session { client in
            let list = try await call(client, "list_alerts", ["limit": 100])
            #expect(Set(list.ids("alerts")) == Set(active.map(\.id)))
            let ranks = list.items("alerts").compactMap { $0["severity"]?.stringValue.flatMap(Alert.Severity.init(rawValue:))?.rank }
            #expect(ranks == ranks.sorted())
            let critical = try await call(client, "list_alerts", ["severity": "critical", "status": "resolved"])
            #expect(critical.items("alerts").allSatisfy { $0["severity"] == "critical" && $0["status"] == "resolved" })

            let acknowledged = try #require(desk.records.alerts.first { $0.status == .acknowledged })
            let detail = try await call(client, "get_alert", ["alert_id": .string(acknowledged.id)])
            guard case .array(let history)? = detail.structured?["history"] else { Issue.record("no history"); return }
            #expect(history.first?["action"] == "acknowledged")
            #expect(detail.structured?["asset_name"] != nil)
        }
    }

    @Test("list_assets filters by kind, warranty window and last check-in; get_asset shows alerts and backups")
    func assets() async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            let servers = try await call(client, "list_assets", ["kind": "server", "limit": 100])
            #expect(servers.ids("assets").count == desk.records.assets.filter { $0.kind == .server }.count)
            #expect(servers.items("assets").allSatisfy { $0["kind"] == "server" })

            let now = Date()
            let warranty = try await call(client, "list_assets", ["warranty_expiring_within_days": 90, "limit": 100])
            #expect(!warranty.items("assets").isEmpty)
            for asset in warranty.items("assets") {
                let end = try date(asset["warranty_ends_at"])
                #expect(end >= now.addingTimeInterval(-60) && end <= now.addingTimeInterval(90 * 86_400 + 60))
            }
            let cutoff = now.addingTimeInterval(-7 * 86_400)
            let stale = try await call(client, "list_assets", ["last_seen_before": .string(ToolDates.instant(cutoff)), "limit": 100])
            #expect(!stale.items("assets").isEmpty)
            for asset in stale.items("assets") { #expect(try date(asset["last_seen_at"]) < cutoff) }

            let job = try #require(desk.records.backupJobs.first { $0.assetID != nil })
            let detail = try await call(client, "get_asset", ["asset_id": .string(job.assetID!)])
            guard case .array(let jobs)? = detail.structured?["backup_jobs"] else { Issue.record("no backup jobs"); return }
            #expect(jobs.contains { $0["id"] == .string(job.id) })
        }
    }

    @Test("list_contracts: running ones soonest first; expiring_within_days narrows; include_ended adds past ones")
    func contracts() async throws {
        let desk = try await SeededDesk.shared.value
        let now = Date()
        try await desk.session { client in
            let running = try await call(client, "list_contracts", ["limit": 100])
            #expect(running.ids("contracts").count == desk.records.contracts.filter { $0.endsOn >= now }.count)
            let ends = try running.items("contracts").map { try date($0["ends_on"]) }
            #expect(ends == ends.sorted())
            let soon = try await call(client, "list_contracts", ["expiring_within_days": 60, "limit": 100])
            let expected = desk.records.contracts.filter { $0.endsOn >= now && $0.endsOn <= now.addingTimeInterval(60 * 86_400) }
            #expect(expected.count >= 8)
            #expect(Set(soon.ids("contracts")) == Set(expected.map(\.id)))
            let all = try await call(client, "list_contracts", ["include_ended": true, "limit": 100])
            #expect(all.ids("contracts").count == desk.records.contracts.count)
        }
    }

    @Test("list_backups_failing: jobs whose last run failed in the last 7 days by default, or since a date")
    func backups() async throws {
        let desk = try await SeededDesk.shared.value
        let weekAgo = Date().addingTimeInterval(-7 * 86_400)
        try await desk.session { client in
            let failing = try await call(client, "list_backups_failing")
            let expected = desk.records.backupJobs.filter { $0.status == .failed && $0.lastRunAt >= weekAgo }
            #expect(!expected.isEmpty)
            #expect(Set(failing.ids("backups")) == Set(expected.map(\.id)))
            let longer = try await call(client, "list_backups_failing", ["since": .string(ToolDates.day(Date().addingTimeInterval(-30 * 86_400)))])
            #expect(longer.ids("backups").count == desk.records.backupJobs.filter { $0.status == .failed }.count)
            #expect(longer.ids("backups").count > failing.ids("backups").count)
        }
    }

    @Test("list_invoices: overdue is open past due; paid and since filter")
    func invoices() async throws {
        let desk = try await SeededDesk.shared.value
        let now = Date()
        try await desk.session { client in
            let overdue = try await call(client, "list_invoices", ["status": "overdue", "limit": 100])
            let expected = desk.records.invoices.filter { $0.isOverdue(asOf: now) }
            #expect(!expected.isEmpty)
            #expect(Set(overdue.ids("invoices")) == Set(expected.map(\.id)))
            #expect(overdue.items("invoices").allSatisfy { $0["status"] == "overdue" })
            let since = now.addingTimeInterval(-45 * 86_400)
            let recent = try await call(client, "list_invoices", ["status": "paid", "since": .string(ToolDates.instant(since)), "limit": 100])
            for invoice in recent.items("invoices") {
                #expect(invoice["status"] == "paid")
                #expect(try date(invoice["issued_on"]) >= since.addingTimeInterval(-86_400))
            }
        }
    }

    @Test("list_recent_changes: tickets and alerts changed since, newest first, paged without repeats")
    func recentChanges() async throws {
        let desk = try await SeededDesk.shared.value
        let since = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 3 * 86_400).rounded(.down))
        let expected = desk.records.tickets.filter { $0.updatedAt >= since }.count + desk.records.alerts.filter { $0.updatedAt >= since }.count
        try await desk.session { client in
            var ids: [String] = []
            var times: [Date] = []
            var cursor: String?
            repeat {
                var arguments: [String: JSONValue] = ["since": .string(ToolDates.instant(since)), "limit": 40]
                arguments["cursor"] = cursor.map(JSONValue.string)
                let page = try await call(client, "list_recent_changes", arguments)
                ids += page.ids("changes")
                times += try page.items("changes").map { try date($0["changed_at"]) }
                cursor = page.structured?["next_cursor"]?.stringValue
            } while cursor != nil
            #expect(ids.count == expected)
            #expect(Set(ids).count == expected)
            #expect(times == times.sorted(by: >))
        }
    }

    @Test("search_global finds customers, devices, tickets, alerts and notes, with kinds to narrow")
    func searchGlobal() async throws {
        let desk = try await SeededDesk.shared.value
        let server = try #require(desk.records.assets.first { $0.kind == .server })
        try await desk.session { client in
            let device = try await call(client, "search_global", ["query": .string(server.name)])
            #expect(device.items("results").contains { $0["kind"] == "device" && $0["id"] == .string(server.id) })
            let customer = try await call(client, "search_global", ["query": .string(desk.companyA.domain), "kinds": ["customer"]])
            #expect(customer.items("results").map { $0["id"] } == [.string(desk.companyA.id)])
            let notes = try await call(client, "search_global", ["query": "DHCP reservation", "kinds": ["note"], "limit": 5])
            #expect(!notes.items("results").isEmpty && notes.items("results").allSatisfy { $0["kind"] == "note" && $0["ticket_id"] != nil })
            let alerts = try await call(client, "search_global", ["query": "RAID degraded", "kinds": ["alert", "ticket"]])
            #expect(alerts.items("results").allSatisfy { $0["kind"] == "alert" || $0["kind"] == "ticket" })
        }
    }

    @Test("get_audit_log_for_ticket reads the ticket's entries newest first, paged")
    func auditLog() async throws {
        let desk = try await SeededDesk.shared.value
        let ticket = desk.records.tickets[7]
        let storage = try #require(desk.environment.storage as? SQLiteResourceStorage)
        try await storage.database.pool.write { db in
            for (index, tool) in ["get_ticket", "reply_to_ticket", "update_ticket_status"].enumerated() {
                try AuditEntry(
                    tenantID: Tenant.defaultID, id: "aud_\(index)", occurredAt: Date().addingTimeInterval(Double(index)), tool: tool, subject: "usr_tech",
                    clientID: "client-1", grantID: "grant-1", tokenKind: "access_token", argumentDigest: String(repeating: "a", count: 64),
                    outcome: "ok", dryRun: index == 1, durationMilliseconds: 12, ticketID: ticket.id, companyID: ticket.companyID
                ).insert(db)
            }
        }
        try await desk.session { client in
            let first = try await call(client, "get_audit_log_for_ticket", ["ticket_id": .string(ticket.id), "limit": 2])
            #expect(first.items("entries").compactMap { $0["tool"]?.stringValue } == ["update_ticket_status", "reply_to_ticket"])
            let cursor = try #require(first.structured?["next_cursor"])
            let second = try await call(client, "get_audit_log_for_ticket", ["ticket_id": .string(ticket.id), "cursor": cursor])
            #expect(second.items("entries").compactMap { $0["tool"]?.stringValue } == ["get_ticket"])
            #expect(second.structured?["next_cursor"] == nil)
            let none = try await call(client, "get_audit_log_for_ticket", ["ticket_id": .string(desk.records.tickets[8].id)])
            #expect(none.items("entries").isEmpty)
        }
    }
}
