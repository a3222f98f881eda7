import Foundation
import Shared
import ToolKit

/// list_open_tickets, get_ticket, search_tickets and list_my_assignments.
extension ServiceDeskTools {
    var ticketTools: [Tool] { [listOpenTickets, getTicket, searchTickets, listMyAssignments] }

    static let ticketNotFoundHint = "Call list_open_tickets or search_tickets to find ticket ids; a ticket number like T-10234 can be searched."
    static let openStatusNames = Ticket.Status.openStatuses.map(\.rawValue)

    var listOpenTickets: Tool {
        Tool(
            name: "list_open_tickets", title: "List open tickets",
            description: """
                Lists tickets that still need work (new, open, in progress, waiting on customer), most pressing first (urgent, \
                high, normal, low), then oldest. Filter by customer, priority, assignee (a technician's email) or one status. \
                For tickets already resolved or closed use search_tickets; for the caller's own queue use list_my_assignments.
                """,
            inputSchema: ToolSchema.object([
                "customer_id": ToolSchema.customerID,
                "priority": ToolSchema.choice(Ticket.Priority.allCases.map(\.rawValue), "Only tickets of this priority."),
                "assignee": ToolSchema.string("Only tickets assigned to this technician (their email).", maxLength: 254),
                "status": ToolSchema.choice(Self.openStatusNames, "Only tickets in this open status."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("tickets", of: Self.ticketSchema),
            module: .tickets, requiredScopes: ["tickets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                var filter = TicketFilter(customerID: arguments.string("customer_id"), priority: arguments.choice("priority"))
                if let assignee = arguments.string("assignee") { filter.assignees = [assignee.lowercased()] }
                if let status: Ticket.Status = arguments.choice("status") { filter.statuses = [status] }
                return try await Self.ticketList(store.tickets(filter, page: arguments.page, scope: scope), empty: "No open tickets match.")
            }
        }
    }

    var listMyAssignments: Tool {
        Tool(
            name: "list_my_assignments", title: "List my assigned tickets",
            description: """
                Lists the open tickets assigned to the signed-in person (matched by the email they sign in with), most pressing \
                first, then oldest: "what should I work on next". Filter by one open status.
                """,
            inputSchema: ToolSchema.object([
                "status": ToolSchema.choice(Self.openStatusNames, "Only tickets in this open status."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("tickets", of: Self.ticketSchema),
            module: .tickets, requiredScopes: ["tickets:read"], kind: .read, roles: Self.staff
        ) { invocation in
            try await read(invocation) { arguments, scope in
                var filter = TicketFilter(assignees: ServiceDeskScope.assigneeKeys(of: invocation.caller))
                if let status: Ticket.Status = arguments.choice("status") { filter.statuses = [status] }
                let me = invocation.caller.claims.email ?? invocation.caller.claims.subject
                return try await Self.ticketList(
                    store.tickets(filter, page: arguments.page, scope: scope), empty: "No open tickets are assigned to you (\(me))."
                )
            }
        }
    }

    var getTicket: Tool {
        Tool(
            name: "get_ticket", title: "Get a ticket",
            description: """
                Returns one ticket with its newest 25 notes, newest first: public replies the customer sees and, for the MSP's \
                staff, internal notes. Use it before replying to or changing a ticket, to know what was said and done.
                """,
            inputSchema: ToolSchema.object(["ticket_id": ToolSchema.id("The ticket's id (tkt_…).")], required: ["ticket_id"]),
            outputSchema: Self.ticketDetailSchema,
            module: .tickets, requiredScopes: ["tickets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("ticket_id")!
                guard let detail = try await store.ticket(id: id, noteLimit: ToolPolicy.ticketNotes, scope: scope) else {
                    throw Self.notFound("ticket", id, hint: Self.ticketNotFoundHint)
                }
                let names = [detail.ticket.companyID: detail.customerName]
                guard case .object(var object) = Self.ticketJSON(detail.ticket, names) else { return ToolOutput(structured: .null, text: "") }
                object["notes"] = .array(detail.notes.map(Self.noteJSON))
                object["note_count"] = .int(Int64(detail.visibleNoteCount))
                var lines = [Self.ticketLine(detail.ticket, names), "Requester: \(detail.ticket.requesterEmail); opened \(ToolDates.instant(detail.ticket.createdAt))."]
                lines.append(detail.visibleNoteCount > detail.notes.count
                    ? "Thread (newest \(detail.notes.count) of \(detail.visibleNoteCount) notes):" : "Thread (\(detail.notes.count) notes, newest first):")
                lines += detail.notes.map { "- \(ToolDates.instant($0.createdAt)) \($0.visibility == .internal ? "INTERNAL note" : "reply") by \($0.author): \($0.body)" }
                return ToolOutput(structured: .object(object), text: lines.joined(separator: "\n"))
            }
        }
    }

    var searchTickets: Tool {
        Tool(
            name: "search_tickets", title: "Search tickets",
            description: """
                Full-text search over tickets, open and closed: subject, ticket number (T-10234), requester email and the \
                conversation. Best matches first, each with an excerpt showing the match in [brackets]: whole words and their \
                other forms ("printers" finds "printer"), then words that begin with what you typed ("offl" finds "offline"), then \
                any part of a subject, number or email ("1023" finds T-10234). Give plain words; every word must appear; words \
                under 3 characters are ignored and no search operators are interpreted.
                """,
            inputSchema: ToolSchema.object([
                "query": ToolSchema.string("Words to find, e.g. \"vpn disconnect\" or \"T-10234\".", maxLength: ToolPolicy.maximumQueryLength),
                "customer_id": ToolSchema.customerID,
                "status": ToolSchema.choice(Ticket.Status.allCases.map(\.rawValue), "Only tickets in this status."),
                "limit": ToolSchema.limit,
            ], required: ["query"]),
            outputSchema: ToolSchema.list("tickets", of: Self.ticketHitSchema),
            module: .tickets, requiredScopes: ["tickets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let status: Ticket.Status? = arguments.choice("status")
                let filter = TicketFilter(customerID: arguments.string("customer_id"), statuses: status.map { [$0] } ?? Ticket.Status.allCases)
                let page = try await store.searchTickets(arguments.string("query")!, filter: filter, limit: arguments.page.limit, scope: scope)
                return ToolListing.output(
                    key: "tickets",
                    items: page.items.map { hit in
                        guard case .object(var object) = Self.ticketJSON(hit.ticket, page.customerNames) else { return .null }
                        object["matched_in"] = .string(hit.matchedIn.rawValue)
                        object["excerpt"] = .string(hit.excerpt)
                        return .object(object)
                    },
                    lines: page.items.map { "\(Self.ticketLine($0.ticket, page.customerNames))\n  \($0.matchedIn == .note ? "in the thread" : "match"): \($0.excerpt)" },
                    nextCursor: nil, empty: "No tickets match.", heading: "Tickets, best match first:"
                )
            }
        }
    }

    // MARK: records

    static func ticketList(_ page: Page<Ticket>, empty: String) -> ToolOutput {
        ToolListing.output(
            key: "tickets", items: page.items.map { ticketJSON($0, page.customerNames) }, lines: page.items.map { ticketLine($0, page.customerNames) },
            nextCursor: page.nextCursor, empty: empty, heading: "Tickets, most pressing first:"
        )
    }

    static let ticketProperties: [String: JSONValue] = [
        "id": ToolSchema.text, "number": ToolSchema.text, "subject": ToolSchema.text,
        "status": ToolSchema.textChoice(Ticket.Status.allCases.map(\.rawValue)), "priority": ToolSchema.textChoice(Ticket.Priority.allCases.map(\.rawValue)),
        "customer_id": ToolSchema.text, "customer_name": ToolSchema.text, "requester_email": ToolSchema.text, "assignee": ToolSchema.text,
        "asset_id": ToolSchema.text, "created_at": ToolSchema.dateTime, "updated_at": ToolSchema.dateTime,
    ]
    static let ticketRequired = ["id", "number", "subject", "status", "priority", "customer_id", "requester_email", "created_at", "updated_at"]
    static let ticketSchema = ToolSchema.record(ticketProperties, required: ticketRequired)

    static var ticketHitSchema: JSONValue {
        var properties = ticketProperties
        properties["matched_in"] = ToolSchema.textChoice(["ticket", "note"])
        properties["excerpt"] = ToolSchema.text
        return ToolSchema.record(properties, required: ticketRequired + ["matched_in", "excerpt"])
    }

    static let noteSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "visibility": ToolSchema.textChoice(["public", "internal"]), "author": ToolSchema.text, "body": ToolSchema.text,
            "created_at": ToolSchema.dateTime,
        ],
        required: ["id", "visibility", "author", "body", "created_at"]
    )

    static var ticketDetailSchema: JSONValue {
        var properties = ticketProperties
        properties["notes"] = ["type": "array", "items": noteSchema]
        properties["note_count"] = ToolSchema.integer
        return ToolSchema.record(properties, required: ticketRequired + ["notes", "note_count"])
    }

    static func ticketJSON(_ ticket: Ticket, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(ticket.id), "number": .string(ticket.number), "subject": .string(ticket.subject), "status": .string(ticket.status.rawValue),
            "priority": .string(ticket.priority.rawValue), "customer_id": .string(ticket.companyID), "requester_email": .string(ticket.requesterEmail),
            "created_at": .string(ToolDates.instant(ticket.createdAt)), "updated_at": .string(ToolDates.instant(ticket.updatedAt)),
        ]
        object["customer_name"] = names[ticket.companyID].map(JSONValue.string)
        object["assignee"] = ticket.assignee.map(JSONValue.string)
        object["asset_id"] = ticket.assetID.map(JSONValue.string)
        return .object(object)
    }

    static func noteJSON(_ note: TicketNote) -> JSONValue {
        [
            "id": .string(note.id), "visibility": .string(note.visibility.rawValue), "author": .string(note.author), "body": .string(note.body),
            "created_at": .string(ToolDates.instant(note.createdAt)),
        ]
    }

    static func ticketLine(_ ticket: Ticket, _ names: [String: String]) -> String {
        "\(ticket.number) [\(ticket.priority.rawValue), \(ticket.status.rawValue)] \(ticket.subject); \(names[ticket.companyID] ?? ticket.companyID); "
            + "\(ticket.assignee.map { "assigned to \($0)" } ?? "unassigned"); updated \(ToolDates.instant(ticket.updatedAt)); id \(ticket.id)"
    }
}
