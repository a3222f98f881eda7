import Foundation
import Shared
import ToolKit

/// get_audit_log_for_ticket.
extension ServiceDeskTools {
    var auditTools: [Tool] { [getAuditLogForTicket] }

    var getAuditLogForTicket: Tool {
        Tool(
            name: "get_audit_log_for_ticket", title: "Audit log of a ticket",
            description: """
                Lists the tool calls recorded against one ticket, newest first: which tool, which person (subject) through which \
                app (client id) and grant, whether it was a dry run, the outcome and how long it took. Use it to see who or what \
                changed a ticket through this server.
                """,
            inputSchema: ToolSchema.object([
                "ticket_id": ToolSchema.id("The ticket's id (tkt_…)."), "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ], required: ["ticket_id"]),
            outputSchema: ToolSchema.list("entries", of: Self.auditSchema),
            module: .audit, requiredScopes: ["audit:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("ticket_id")!
                await audit.flush()
                guard let page = try await store.auditEntries(ticketID: id, page: arguments.page, scope: scope) else {
                    throw Self.notFound("ticket", id, hint: Self.ticketNotFoundHint)
                }
                return ToolListing.output(
                    key: "entries", items: page.items.map(Self.auditJSON),
                    lines: page.items.map { entry in
                        "\(ToolDates.instant(entry.occurredAt)) \(entry.tool)\(entry.dryRun ? " (dry run)" : "") by \(entry.subject) via \(entry.clientID): "
                            + "\(entry.outcome) in \(entry.durationMilliseconds) ms; id \(entry.id)"
                    },
                    nextCursor: page.nextCursor, empty: "No tool calls are recorded for ticket \(id).", heading: "Audit log, newest first:"
                )
            }
        }
    }

    static let auditSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "occurred_at": ToolSchema.dateTime, "tool": ToolSchema.text, "subject": ToolSchema.text, "client_id": ToolSchema.text,
            "grant_id": ToolSchema.text, "token_kind": ToolSchema.text, "argument_digest": ToolSchema.text, "outcome": ToolSchema.text,
            "dry_run": ToolSchema.boolean, "duration_ms": ToolSchema.integer, "ticket_id": ToolSchema.text, "customer_id": ToolSchema.text,
        ],
        required: ["id", "occurred_at", "tool", "subject", "client_id", "grant_id", "token_kind", "argument_digest", "outcome", "dry_run", "duration_ms"]
    )

    static func auditJSON(_ entry: AuditEntry) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(entry.id), "occurred_at": .string(ToolDates.instant(entry.occurredAt)), "tool": .string(entry.tool),
            "subject": .string(entry.subject), "client_id": .string(entry.clientID), "grant_id": .string(entry.grantID),
            "token_kind": .string(entry.tokenKind), "argument_digest": .string(entry.argumentDigest), "outcome": .string(entry.outcome),
            "dry_run": .bool(entry.dryRun), "duration_ms": .int(entry.durationMilliseconds),
        ]
        object["ticket_id"] = entry.ticketID.map(JSONValue.string)
        object["customer_id"] = entry.companyID.map(JSONValue.string)
        return .object(object)
    }
}
