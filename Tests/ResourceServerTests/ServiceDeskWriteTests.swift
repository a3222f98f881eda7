import Foundation
import HTTPTypes
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// The write and high-trust tools on their own seeded desk: what each changes, dry runs, idempotent
/// replays, confirmation under `confirm_writes`, the second factor, and company scoping of writes.
/// Serialized: the confirmation test turns the tenant's `confirm_writes` on and off.
@Suite("Service-desk write tools", .serialized)
struct ServiceDeskWriteTests {
    let scope = SeededDesk.everyScope

    func write(
        _ client: DeskClient, _ name: String, _ arguments: [String: JSONValue], as person: DeskPerson, secondFactorAge: Int64? = nil
    ) async throws -> ToolCallResult {
        let result = try await client.call(name, arguments, as: person, scope: scope, secondFactorAge: secondFactorAge)
        #expect(result.status == .ok, "\(name): \(result.status)")
        if !result.isError, let schema = client.desk.environment.registry.tool(named: name)?.outputSchema, let structured = result.structured {
            #expect(JSONSchemaValidator.problem(in: structured, against: schema) == nil, "\(name): \(JSONSchemaValidator.problem(in: structured, against: schema) ?? "")")
        }
        return result
    }

    func detail(_ client: DeskClient, ticket id: String, as person: DeskPerson) async throws -> ToolCallResult {
        try await client.call("get_ticket", ["ticket_id": .string(id)], as: person, scope: scope)
    }

    func noteCount(_ client: DeskClient, ticket id: String) async throws -> Int64? {
        if case .int(let count)? = try await detail(client, ticket: id, as: client.desk.admin).structured?["note_count"] { return count }
        return nil
    }

    func openTicket(_ desk: SeededDesk, of company: Company, skip: Int = 0) throws -> Ticket {
        let open = desk.tickets(of: company).filter { $0.status == .open || $0.status == .inProgress }
        return try #require(open.dropFirst(skip).first)
    }

    @Test("create_ticket opens a ticket with the next number and a first public message, and leaves an audit entry in the same write")
    func createTicket() async throws {
        let desk = try await SeededDesk.writable.value
        try await desk.session { client in
            let result = try await write(client, "create_ticket", [
                "customer_id": .string(desk.companyA.id), "subject": "Scanner in reception jams", "description": "Jams on every second page.",
                "priority": "high",
            ], as: desk.technician)
            #expect(!result.isError, "\(result.text)")
            #expect(result.structured?["status"] == "done")
            let ticket = try #require(result.structured?["ticket"])
            let id = try #require(ticket["id"]?.stringValue)
            let highest = desk.records.tickets.compactMap { Int($0.number.dropFirst(2)) }.max()!
            #expect(ticket["number"]?.stringValue.flatMap { Int($0.dropFirst(2)) }.map { $0 > highest } == true)
            #expect(ticket["status"] == "new" && ticket["priority"] == "high" && ticket["requester_email"] == "Priya.Shah@gatehouse.local")

            let read = try await detail(client, ticket: id, as: desk.userA)
            #expect(read.structured?["subject"] == "Scanner in reception jams")
            #expect(read.structured?["notes"]?.arrayFirst?["body"] == "Jams on every second page.")

            let audit = try await client.call("get_audit_log_for_ticket", ["ticket_id": .string(id)], as: desk.admin, scope: scope)
            let entry = try #require(audit.items("entries").first { $0["tool"] == "create_ticket" })
            #expect(entry["outcome"] == "ok" && entry["dry_run"] == false && entry["subject"] == "usr_tech" && entry["grant_id"] == "grant-1")
            #expect(entry["customer_id"] == .string(desk.companyA.id) && entry["token_kind"] == "access_token")
            #expect(entry["argument_digest"]?.stringValue?.count == 64)

            // A dry run's ticket was rolled back: its entry names the customer, not an id that never existed.
            let dry = try await write(client, "create_ticket", [
                "customer_id": .string(desk.companyA.id), "subject": "Only a dry run", "description": "Nothing kept.", "dry_run": true,
            ], as: desk.technician)
            let dryID = try #require(dry.structured?["ticket"]?["id"]?.stringValue)
            let log = try await desk.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 100_000).map(\.entry)
            let dryEntry = try #require(log.last { $0.tool == "create_ticket" && $0.dryRun })
            #expect(dryEntry.ticketID == nil && dryEntry.companyID == desk.companyA.id && !log.contains { $0.ticketID == dryID })
        }
    }

    @Test("A company user's ticket is for their own company; another company's customer id is not found and nothing is created")
    func createTicketScoped() async throws {
        let desk = try await SeededDesk.writable.value
        try await desk.session { client in
            let own = try await write(client, "create_ticket", ["subject": "Need a new laptop", "description": "For the new hire."], as: desk.userA)
            #expect(own.structured?["ticket"]?["customer_id"] == .string(desk.companyA.id), "\(own.text)")
            #expect(own.structured?["ticket"]?["requester_email"] == .string("office@\(desk.companyA.domain)"))

            let before = try await desk.environment.serviceDesk.counts(tenantID: Tenant.defaultID).tickets
            let other = try await write(client, "create_ticket", [
                "customer_id": .string(desk.companyB.id), "subject": "Sneaky", "description": "Into B.",
            ], as: desk.userA)
            #expect(other.isError && other.text.contains("No customer with id '\(desk.companyB.id)' is visible to you"))
            #expect(try await desk.environment.serviceDesk.counts(tenantID: Tenant.defaultID).tickets == before)

            let staff = try await write(client, "create_ticket", ["subject": "No customer", "description": "Which one?"], as: desk.technician)
            #expect(staff.isError && staff.text.contains("customer_id is required"))
        }
    }

    @Test("reply_to_ticket adds a public reply; a dry run reports the same change and keeps nothing, audited as a dry run")
    func replyAndDryRun() async throws {
        let desk = try await SeededDesk.writable.value
        let ticket = try openTicket(desk, of: desk.companyA)
        try await desk.session { client in
            let before = try #require(try await noteCount(client, ticket: ticket.id))
            let dry = try await write(client, "reply_to_ticket", ["ticket_id": .string(ticket.id), "body": "On my way.", "dry_run": true], as: desk.technician)
            #expect(dry.structured?["status"] == "dry_run" && dry.text.hasPrefix("Dry run, nothing was changed."), "\(dry.text)")
            #expect(dry.structured?["changes"]?.arrayFirst?["record"] == "note")
            #expect(try await noteCount(client, ticket: ticket.id) == before)

            let real = try await write(client, "reply_to_ticket", ["ticket_id": .string(ticket.id), "body": "On my way."], as: desk.technician)
            #expect(real.structured?["status"] == "done")
            #expect(real.structured?["summary"] == dry.structured?["summary"])
            #expect(real.structured?["note"]?["visibility"] == "public" && real.structured?["note"]?["body"] == "On my way.")
            #expect(try await noteCount(client, ticket: ticket.id) == before + 1)

            let audit = try await client.call("get_audit_log_for_ticket", ["ticket_id": .string(ticket.id)], as: desk.admin, scope: scope)
            let replies = audit.items("entries").filter { $0["tool"] == "reply_to_ticket" }
            #expect(replies.map { $0["dry_run"] } == [false, true], "newest first: the real reply, then the dry run")
        }
    }

    @Test("An idempotency key replays the first answer and changes nothing; the same key with other arguments is refused")
    func idempotency() async throws {
        let desk = try await SeededDesk.writable.value
        try await desk.session { client in
            let arguments: [String: JSONValue] = [
                "customer_id": .string(desk.companyB.id), "subject": "Replay me", "description": "Once only.", "idempotency_key": "4f1c2b9e-key",
            ]
            let first = try await write(client, "create_ticket", arguments, as: desk.technician)
            let second = try await write(client, "create_ticket", arguments, as: desk.technician)
            #expect(first.structured?["status"] == "done" && second.structured?["status"] == "replayed", "\(second.text)")
            #expect(second.structured?["ticket"] == first.structured?["ticket"])
            let search = try await client.call("search_tickets", ["query": "Replay me", "customer_id": .string(desk.companyB.id)], as: desk.admin, scope: scope)
            #expect(search.ids("tickets").count == 1)

            var changed = arguments
            changed["subject"] = "Replay me differently"
            let conflict = try await write(client, "create_ticket", changed, as: desk.technician)
            #expect(conflict.isError && conflict.text.contains("idempotency_key '4f1c2b9e-key' was used in the last 24 hours for a different call"))

            // A dry run with a key neither replays nor spends it: the real call with that key then does the work.
            var fresh = changed
            fresh["idempotency_key"] = "dry-first-key"
            var dry = fresh
            dry["dry_run"] = true
            #expect(try await write(client, "create_ticket", dry, as: desk.technician).structured?["status"] == "dry_run")
            #expect(try await write(client, "create_ticket", dry, as: desk.technician).structured?["status"] == "dry_run")
            let afterDry = try await write(client, "create_ticket", fresh, as: desk.technician)
            #expect(afterDry.structured?["status"] == "done", "\(afterDry.text)")

            // Keys belong to a person: the same key from someone else is theirs to use.
            let other = try await write(client, "create_ticket", arguments, as: desk.admin)
            #expect(other.structured?["status"] == "done" && other.structured?["ticket"]?["id"] != first.structured?["ticket"]?["id"])

            let tooLong = try await write(client, "create_ticket", ["subject": "x", "description": "y", "customer_id": .string(desk.companyA.id),
                "idempotency_key": .string(String(repeating: "k", count: 201))], as: desk.technician)
            #expect(tooLong.isError && tooLong.text.contains("idempotency_key"))
        }
    }

    @Test("Under confirm_writes a write first answers a preview with a confirmation id, and only the same call with confirm carries it out")
    func confirmation() async throws {
        let desk = try await SeededDesk.writable.value
        let store = desk.environment.serviceDesk
        let ticket = try openTicket(desk, of: desk.companyA, skip: 1)
        try await withConfirmWrites(store) {
            try await desk.session { client in
                let arguments: [String: JSONValue] = ["ticket_id": .string(ticket.id), "status": "waiting_on_customer", "note": "Please reboot it."]
                let before = try #require(try await noteCount(client, ticket: ticket.id))
                let preview = try await write(client, "update_ticket_status", arguments, as: desk.technician)
                #expect(preview.structured?["status"] == "awaiting_confirmation", "\(preview.text)")
                let id = try #require(preview.structured?["confirmation_id"]?.stringValue)
                #expect(try await detail(client, ticket: ticket.id, as: desk.admin).structured?["status"] == .string(ticket.status.rawValue))
                #expect(try await noteCount(client, ticket: ticket.id) == before)

                var other = arguments
                other["status"] = "resolved"
                other["confirm"] = .string(id)
                let mismatch = try await write(client, "update_ticket_status", other, as: desk.technician)
                #expect(mismatch.isError && mismatch.text.contains("was given for a different call"))
                var confirmed = arguments
                confirmed["confirm"] = .string(id)
                let stranger = try await write(client, "update_ticket_status", confirmed, as: desk.admin)
                #expect(stranger.isError && stranger.text.contains("is not a confirmation id you were given"))

                let done = try await write(client, "update_ticket_status", confirmed, as: desk.technician)
                #expect(done.structured?["status"] == "done", "\(done.text)")
                #expect(try await detail(client, ticket: ticket.id, as: desk.admin).structured?["status"] == "waiting_on_customer")
                #expect(try await noteCount(client, ticket: ticket.id) == before + 1)
                // The confirming call repeated (its answer was lost, say) gets that answer again, and changes nothing.
                let again = try await write(client, "update_ticket_status", confirmed, as: desk.technician)
                #expect(again.structured?["status"] == "replayed" && again.text.contains("earlier call with this confirmation"), "\(again.text)")
                #expect(again.structured?["ticket"] == done.structured?["ticket"] && again.structured?["changes"] == done.structured?["changes"])
                #expect(try await noteCount(client, ticket: ticket.id) == before + 1)
                let reused = try await write(client, "update_ticket_status", other, as: desk.technician)
                #expect(reused.isError && reused.text.contains("was already used for another change"), "\(reused.text)")

                let dry = try await write(client, "update_ticket_status", ["ticket_id": .string(ticket.id), "status": "open", "dry_run": true], as: desk.technician)
                #expect(dry.structured?["status"] == "dry_run", "a dry run needs no confirmation")
            }
        }
    }

    /// Runs `body` with the tenant's `confirm_writes` on, and turns it off again before returning or throwing.
    func withConfirmWrites(_ store: any ServiceDeskStore, _ body: () async throws -> Void) async throws {
        try await store.saveSettings(DeskSettings(confirmWrites: true), tenantID: Tenant.defaultID)
        do {
            try await body()
        } catch {
            try await store.saveSettings(DeskSettings(confirmWrites: false), tenantID: Tenant.defaultID)
            throw error
        }
        try await store.saveSettings(DeskSettings(confirmWrites: false), tenantID: Tenant.defaultID)
    }

    @Test("A confirmation expires after 10 minutes; once spent, repeating the same call replays its answer even past that")
    func confirmationExpires() async throws {
        let desk = try await SeededDesk.writable.value
        let store = desk.environment.serviceDesk
        let ticket = try openTicket(desk, of: desk.companyB)
        let caller = desk.caller(desk.technician)
        let change = DeskChange.addNote(ticketID: ticket.id, visibility: .internal, body: "later")
        let fingerprint = WriteFingerprint(subject: "usr_tech", tool: "add_internal_note", argumentDigest: "d1")
        let scope = ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil)
        let now = Date()
        func trail() -> AuditTrail { AuditTrail(tenantID: Tenant.defaultID, tool: "add_internal_note", caller: caller, arguments: [:]) }
        let preview = try await store.perform(
            DeskWrite(change: change, scope: scope, actor: "t", now: now, mode: .preview(expiresAt: now.addingTimeInterval(600)), fingerprint: fingerprint),
            audit: trail()
        )
        guard case .awaitingConfirmation(_, let id, _) = preview else { Issue.record("no preview: \(preview)"); return }
        let late = DeskWrite(change: change, scope: scope, actor: "t", now: now.addingTimeInterval(601), mode: .commit(confirmation: id), fingerprint: fingerprint)
        let refusal = await #expect(throws: DeskWriteError.self) { try await store.perform(late, audit: trail()) }
        guard case .confirmation(let reason)? = refusal else { Issue.record("not a confirmation refusal: \(String(describing: refusal))"); return }
        #expect(reason.contains("has expired"))
        var inTime = late
        inTime.now = now.addingTimeInterval(599)
        guard case .done(let report) = try await store.perform(inTime, audit: trail()) else { Issue.record("not done in time"); return }
        var retried = late
        retried.now = now.addingTimeInterval(3600)
        #expect(try await store.perform(retried, audit: trail()) == .replayed(report, by: .confirmation))
    }

    @Test("A replay is not shown to a person who has since moved to another company")
    func replayFollowsTheCompany() async throws {
        let desk = try await SeededDesk.writable.value
        let store = desk.environment.serviceDesk
        let caller = desk.caller(desk.userA)
        let now = Date()
        func trail() -> AuditTrail { AuditTrail(tenantID: Tenant.defaultID, tool: "create_ticket", caller: caller, arguments: [:]) }
        let change = DeskChange.createTicket(NewTicket(
            customerID: desk.companyA.id, subject: "Moved", description: "Before the move.", priority: .low, requesterEmail: "a@example.com", assetID: nil
        ))
        var write = DeskWrite(
            change: change, scope: ServiceDeskScope(tenantID: Tenant.defaultID, companyID: desk.companyA.id), actor: "a", now: now,
            mode: .commit(confirmation: nil), idempotency: IdempotencyClaim(key: "move-key"),
            fingerprint: WriteFingerprint(subject: desk.userA.subject, tool: "create_ticket", argumentDigest: "d-move")
        )
        guard case .done(let report) = try await store.perform(write, audit: trail()) else { Issue.record("not done"); return }
        #expect(try await store.perform(write, audit: trail()) == .replayed(report, by: .idempotencyKey))
        write.scope = ServiceDeskScope(tenantID: Tenant.defaultID, companyID: desk.companyB.id)
        let refusal = await #expect(throws: DeskWriteError.self) { try await store.perform(write, audit: trail()) }
        guard case .conflict(let reason)? = refusal else { Issue.record("not a conflict: \(String(describing: refusal))"); return }
        #expect(reason.contains("can no longer see"))
    }

    @Test("update_ticket_status refuses a no-op and is for staff; add_internal_note is never shown to the company")
    func statusAndInternalNotes() async throws {
        let desk = try await SeededDesk.writable.value
        let ticket = try openTicket(desk, of: desk.companyA, skip: 2)
        try await desk.session { client in
            let same = try await write(client, "update_ticket_status", ["ticket_id": .string(ticket.id), "status": .string(ticket.status.rawValue)], as: desk.technician)
            #expect(same.isError && same.text.contains("already \(ticket.status.rawValue)"))
            let company = try await write(client, "update_ticket_status", ["ticket_id": .string(ticket.id), "status": "resolved"], as: desk.userA)
            #expect(company.isError && company.text.contains("update_ticket_status is for admin or technician accounts"))
            let closing = try await write(client, "update_ticket_status", ["ticket_id": .string(ticket.id), "status": "closed"], as: desk.technician)
            #expect(closing.isError && closing.text.contains("status"), "closing is close_ticket's, with a second factor")

            let note = try await write(client, "add_internal_note", ["ticket_id": .string(ticket.id), "body": "Secret: the router is ancient."], as: desk.technician)
            #expect(note.structured?["note"]?["visibility"] == "internal", "\(note.text)")
            let asCustomer = try await detail(client, ticket: ticket.id, as: desk.userA)
            #expect(!asCustomer.text.contains("ancient") && asCustomer.structured?["notes"]?.arrayValues.contains { $0["body"] == "Secret: the router is ancient." } == false)
            let byCustomer = try await write(client, "add_internal_note", ["ticket_id": .string(ticket.id), "body": "x"], as: desk.userA)
            #expect(byCustomer.isError && byCustomer.text.contains("add_internal_note is for admin or technician accounts"))
        }
    }

    @Test("A company user's writes cannot reach another company's ticket")
    func crossCompanyWrites() async throws {
        let desk = try await SeededDesk.writable.value
        let theirs = try openTicket(desk, of: desk.companyB, skip: 1)
        try await desk.session { client in
            let before = try #require(try await noteCount(client, ticket: theirs.id))
            let reply = try await write(client, "reply_to_ticket", ["ticket_id": .string(theirs.id), "body": "hello B"], as: desk.userA)
            #expect(reply.isError && reply.text.contains("No ticket with id '\(theirs.id)' is visible to you"))
            let close = try await write(client, "close_ticket", ["ticket_id": .string(theirs.id)], as: desk.userA, secondFactorAge: 60)
            #expect(close.isError && close.text.contains("No ticket with id"))
            #expect(try await noteCount(client, ticket: theirs.id) == before)
            let other = try await write(client, "reply_to_ticket", ["ticket_id": "tkt_of_another_tenant", "body": "x"], as: desk.admin)
            #expect(other.isError && other.text.contains("No ticket with id 'tkt_of_another_tenant'"))
            let huge = try await write(client, "reply_to_ticket", ["ticket_id": .string(theirs.id), "body": .string(String(repeating: "a", count: 10_001))], as: desk.admin)
            #expect(huge.isError && huge.text.contains("body"))
        }
    }

    @Test("acknowledge_alert then resolve_alert move an alert along and record its history; a resolved alert cannot be acknowledged")
    func alerts() async throws {
        let desk = try await SeededDesk.writable.value
        let alert = try #require(desk.alerts(of: desk.companyA).first { $0.status == .open })
        try await desk.session { client in
            let ack = try await write(client, "acknowledge_alert", ["alert_id": .string(alert.id), "note": "Looking"], as: desk.technician)
            #expect(ack.structured?["alert"]?["status"] == "acknowledged", "\(ack.text)")
            let resolved = try await write(client, "resolve_alert", ["alert_id": .string(alert.id), "note": "Disk replaced"], as: desk.technician)
            #expect(resolved.structured?["changes"]?.arrayFirst?["from"] == "acknowledged" && resolved.structured?["changes"]?.arrayFirst?["to"] == "resolved")
            let history = try await client.call("get_alert", ["alert_id": .string(alert.id)], as: desk.admin, scope: scope)
            #expect(history.text.contains("Disk replaced") && history.text.contains("Looking"))
            let late = try await write(client, "acknowledge_alert", ["alert_id": .string(alert.id)], as: desk.technician)
            #expect(late.isError && late.text.contains("only open alerts can be acknowledged"))
            let customer = try await write(client, "resolve_alert", ["alert_id": .string(alert.id)], as: desk.userA)
            #expect(customer.isError && customer.text.contains("resolve_alert is for admin or technician accounts"))
        }
    }

    @Test("close_ticket needs a second factor from the last 15 minutes: 403 insufficient_scope naming mfa, then it closes")
    func closeTicketNeedsSecondFactor() async throws {
        let desk = try await SeededDesk.writable.value
        let ticket = try openTicket(desk, of: desk.companyA, skip: 3)
        try await desk.session { client in
            for age: Int64? in [nil, 16 * 60] {
                let refused = try await client.call("close_ticket", ["ticket_id": .string(ticket.id)], as: desk.technician, scope: scope, secondFactorAge: age)
                #expect(refused.status == .forbidden)
                #expect(refused.challenge?.contains(#"error="insufficient_scope""#) == true)
                #expect(refused.challenge?.contains(#"scope="tickets:write mfa""#) == true, "\(refused.challenge ?? "")")
                #expect(refused.challenge?.contains(#"resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/mcp""#) == true)
            }
            // Without the tool's own scope too, one challenge names everything.
            let bare = try await client.call("close_ticket", ["ticket_id": .string(ticket.id)], as: desk.technician, scope: "tickets:read")
            #expect(bare.status == .forbidden && bare.challenge?.contains(#"scope="tickets:write mfa""#) == true)

            let closed = try await write(client, "close_ticket", ["ticket_id": .string(ticket.id), "resolution": "Replaced the switch."], as: desk.technician,
                secondFactorAge: 60)
            #expect(closed.structured?["ticket"]?["status"] == "closed", "\(closed.text)")
            let reply = try await write(client, "reply_to_ticket", ["ticket_id": .string(ticket.id), "body": "one more thing"], as: desk.userA)
            #expect(reply.isError && reply.text.contains("is closed"))
        }
    }

    @Test("run_rule is for admins with a fresh second factor; an unknown rule id is answered with the list of rules")
    func runRule() async throws {
        let desk = try await SeededDesk.writable.value
        let rule = try #require(desk.records.rules.first { $0.enabled })
        let disabled = desk.records.rules.first { !$0.enabled }
        try await desk.session { client in
            let unknown = try await write(client, "run_rule", ["rule_id": "rul_nope"], as: desk.admin, secondFactorAge: 30)
            #expect(unknown.isError && unknown.text.contains("No rule with id 'rul_nope'") && unknown.text.contains(rule.id) && unknown.text.contains(rule.name))
            let run = try await write(
                client, "run_rule", ["rule_id": .string(rule.id), "customer_id": .string(desk.companyA.id), "dry_run": false], as: desk.admin,
                secondFactorAge: 30)
            #expect(run.structured?["status"] == "done", "\(run.text)")
            #expect(run.structured?["rule_execution"]?["outcome"] == "succeeded" && run.structured?["customer_id"] == .string(desk.companyA.id), "\(run.text)")
            if let disabled {
                let off = try await write(client, "run_rule", ["rule_id": .string(disabled.id), "dry_run": false], as: desk.admin, secondFactorAge: 30)
                #expect(off.isError && off.text.contains("is disabled"))
            }
            let technician = try await write(client, "run_rule", ["rule_id": .string(rule.id)], as: desk.technician, secondFactorAge: 30)
            #expect(technician.isError && technician.text.contains("run_rule is for admin accounts"))
        }
    }

    @Test("run_rule is a dry run unless dry_run: false is passed: without it nothing is stored, with it the run is recorded")
    func runRuleDryRunByDefault() async throws {
        let desk = try await SeededDesk.writable.value
        let rule = try #require(desk.records.rules.first { $0.enabled })
        let admin = ServiceDeskScope(tenantID: Tenant.defaultID, companyID: nil)
        @Sendable func stored() async throws -> [String] {
            try await desk.environment.serviceDesk.ruleExecutions(RuleExecutionFilter(ruleID: rule.id), page: PageRequest(limit: 1000), scope: admin)
                .items.map(\.id)
        }
        let tool = try #require(desk.environment.registry.tool(named: "run_rule"))
        #expect(tool.description.hasPrefix("A dry run unless dry_run: false is passed explicitly"))
        #expect(tool.inputSchema["properties"]?["dry_run"]?["default"] == true)
        try await desk.session { client in
            let before = try await stored()
            let implicit = try await write(client, "run_rule", ["rule_id": .string(rule.id)], as: desk.admin, secondFactorAge: 30)
            #expect(implicit.structured?["status"] == "dry_run" && implicit.text.hasPrefix("Dry run, nothing was changed"), "\(implicit.text)")
            #expect(try await stored() == before, "a run_rule without dry_run stores no execution")
            let explicit = try await write(client, "run_rule", ["rule_id": .string(rule.id), "dry_run": true], as: desk.admin, secondFactorAge: 30)
            #expect(explicit.structured?["status"] == "dry_run")
            #expect(try await stored() == before)
            let real = try await write(client, "run_rule", ["rule_id": .string(rule.id), "dry_run": false], as: desk.admin, secondFactorAge: 30)
            let id = try #require(real.structured?["rule_execution"]?["id"]?.stringValue, "\(real.text)")
            #expect(real.structured?["status"] == "done")
            #expect(try await stored() == [id] + before, "the real run is stored, newest first")
            // Still high-trust: without a fresh second factor it is challenged, dry run or not.
            let stale = try await client.call("run_rule", ["rule_id": .string(rule.id), "dry_run": false], as: desk.admin, scope: scope)
            #expect(stale.status == .forbidden)

            // Under confirm_writes, dry_run: false previews; the confirming call, which carries out what was previewed, runs it.
            try await withConfirmWrites(desk.environment.serviceDesk) {
                let preview = try await write(client, "run_rule", ["rule_id": .string(rule.id), "dry_run": false], as: desk.admin, secondFactorAge: 30)
                let confirmation = try #require(preview.structured?["confirmation_id"]?.stringValue, "\(preview.text)")
                #expect(try await stored() == [id] + before)
                let confirmed = try await write(
                    client, "run_rule", ["rule_id": .string(rule.id), "confirm": .string(confirmation)], as: desk.admin, secondFactorAge: 30)
                #expect(confirmed.structured?["status"] == "done", "\(confirmed.text)")
                #expect(try await stored().count == before.count + 2)
            }
        }
    }

    @Test("A personal access token without elevation gets a JSON-RPC error carrying the elevation URL, not a challenge it cannot answer")
    func personalAccessTokenElevation() async throws {
        let desk = try await SeededDesk.writable.value
        let base = desk.caller(desk.technician).claims
        var claims = base
        claims.scope = SeededDesk.everyScope
        let caller = Caller(claims: claims, tokenKind: .personalAccessToken)
        let gate = CallGate(
            registry: desk.environment.registry, authority: ToolAuthority(), rateLimits: desk.environment.rateLimits, audit: desk.environment.audit)
        let tenant = Tenant(id: Tenant.defaultID, issuer: TestHouse.issuer, resource: TestHouse.resource)
        let request = MCPRequest(id: 7, method: "tools/call", params: ["name": "close_ticket", "arguments": ["ticket_id": "tkt_x"]], era: .handshake)
        guard case .admitted(let decisions) = try await gate.admit([request], caller: caller, tenant: tenant),
            case .answered(.failure(let error)) = decisions.first
        else {
            Issue.record("a PAT without elevation was not answered with the elevation error"); return
        }
        #expect(error.code == JSONRPCError.elevationRequiredCode && error.code > -32000)
        #expect(error.data?["elevationUrl"] == .string("https://acme.example.com/account/tokens#" + claims.tokenID) && error.data?["requiredScope"] == "mfa")
    }
}

extension JSONValue {
    var arrayFirst: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }

    var arrayValues: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }
}
