import Foundation
import ToolKit

/// create_ticket, reply_to_ticket, add_internal_note, update_ticket_status and, high-trust, close_ticket.
extension ServiceDeskTools {
    var ticketWriteTools: [Tool] { [createTicket, replyToTicket, addInternalNote, updateTicketStatus, closeTicket] }

    static let noteBody = ToolSchema.string("The text, as the reader should see it.", maxLength: ToolPolicy.maximumNoteLength)

    var createTicket: Tool {
        Tool(
            name: "create_ticket", title: "Open a ticket",
            description: """
                Opens a new ticket for a customer with a first public message, status new. Staff must give customer_id; a \
                company user's ticket is always for their own company. requester_email defaults to the signed-in person. Use \
                dry_run first when unsure, and an idempotency_key so a retry cannot open the ticket twice.
                """,
            inputSchema: Self.writeSchema([
                "customer_id": ToolSchema.id("The customer the ticket is for (cus_…). Company users may leave it out."),
                "subject": ToolSchema.string("A one-line summary, e.g. \"Printer on 2nd floor offline\"."),
                "description": Self.noteBody,
                "priority": ToolSchema.choice(Ticket.Priority.allCases.map(\.rawValue), "How pressing it is; default normal."),
                "requester_email": ToolSchema.string("Who asked for it; default the signed-in person.", maxLength: 254),
                "asset_id": ToolSchema.id("The customer's device it concerns (ast_…), if any."),
            ], required: ["subject", "description"]),
            outputSchema: Self.writeOutputSchema,
            module: .tickets, requiredScopes: ["tickets:write"], kind: .write
        ) { invocation in
            try await write(invocation) { arguments, scope throws(ToolError) in
                guard let customer = arguments.string("customer_id") ?? scope.companyID else {
                    throw ToolError("customer_id is required: say which customer the ticket is for (list_customers finds ids).")
                }
                let claims = invocation.caller.claims
                return .createTicket(NewTicket(
                    customerID: customer, subject: arguments.string("subject")!, description: arguments.string("description")!,
                    priority: arguments.choice("priority") ?? .normal, requesterEmail: arguments.string("requester_email") ?? claims.email ?? claims.subject,
                    assetID: arguments.string("asset_id")
                ))
            }
        }
    }

    var replyToTicket: Tool {
        Tool(
            name: "reply_to_ticket", title: "Reply to a ticket",
            description: """
                Adds a public reply to a ticket's thread: the customer sees it. Read the ticket with get_ticket first. For notes \
                only the service provider's staff should see, use add_internal_note instead.
                """,
            inputSchema: Self.writeSchema(["ticket_id": ToolSchema.id("The ticket's id (tkt_…)."), "body": Self.noteBody], required: ["ticket_id", "body"]),
            outputSchema: Self.writeOutputSchema,
            module: .tickets, requiredScopes: ["tickets:write"], kind: .write
        ) { invocation in
            try await write(invocation) { arguments, _ in .addNote(ticketID: arguments.string("ticket_id")!, visibility: .public, body: arguments.string("body")!) }
        }
    }

    var addInternalNote: Tool {
        Tool(
            name: "add_internal_note", title: "Add an internal note",
            description: """
                Adds an internal note to a ticket: seen by the service provider's staff only, never by the customer. Use it for \
                findings, handover and next steps; use reply_to_ticket to answer the customer.
                """,
            inputSchema: Self.writeSchema(["ticket_id": ToolSchema.id("The ticket's id (tkt_…)."), "body": Self.noteBody], required: ["ticket_id", "body"]),
            outputSchema: Self.writeOutputSchema,
            module: .tickets, requiredScopes: ["notes:write"], kind: .write, roles: Self.staff
        ) { invocation in
            try await write(invocation) { arguments, _ in .addNote(ticketID: arguments.string("ticket_id")!, visibility: .internal, body: arguments.string("body")!) }
        }
    }

    var updateTicketStatus: Tool {
        Tool(
            name: "update_ticket_status", title: "Change a ticket's status",
            description: """
                Moves a ticket to another status (new, open, in_progress, waiting_on_customer, resolved), optionally with a public \
                reply explaining it. Closing is done with close_ticket, which needs a recent second factor.
                """,
            inputSchema: Self.writeSchema([
                "ticket_id": ToolSchema.id("The ticket's id (tkt_…)."),
                "status": ToolSchema.choice(Ticket.Status.allCases.filter { $0 != .closed }.map(\.rawValue), "The new status."),
                "note": ToolSchema.string("A public reply to add with the change, e.g. why it waits on the customer.", maxLength: ToolPolicy.maximumNoteLength),
            ], required: ["ticket_id", "status"]),
            outputSchema: Self.writeOutputSchema,
            module: .tickets, requiredScopes: ["tickets:write"], kind: .write, roles: Self.staff
        ) { invocation in
            try await write(invocation) { arguments, _ in
                .setTicketStatus(ticketID: arguments.string("ticket_id")!, status: arguments.choice("status")!, note: arguments.string("note"))
            }
        }
    }

    var closeTicket: Tool {
        Tool(
            name: "close_ticket", title: "Close a ticket",
            description: """
                Closes a ticket for good, optionally with a closing public reply. High-trust: it needs a second factor from the \
                last 15 minutes; without one the call is refused with a request for the mfa scope, and the person must confirm \
                with their second factor. To only mark work done, set status resolved with update_ticket_status.
                """,
            inputSchema: Self.writeSchema([
                "ticket_id": ToolSchema.id("The ticket's id (tkt_…)."),
                "resolution": ToolSchema.string("A closing public reply: what was done.", maxLength: ToolPolicy.maximumNoteLength),
            ], required: ["ticket_id"]),
            outputSchema: Self.writeOutputSchema,
            module: .tickets, requiredScopes: ["tickets:write"], kind: .highTrust
        ) { invocation in
            try await write(invocation) { arguments, _ in
                .setTicketStatus(ticketID: arguments.string("ticket_id")!, status: .closed, note: arguments.string("resolution"))
            }
        }
    }
}
