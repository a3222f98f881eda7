import Foundation
import Shared
import ToolKit

/// list_recent_changes.
extension ServiceDeskTools {
    var activityTools: [Tool] { [listRecentChanges] }

    var listRecentChanges: Tool {
        Tool(
            name: "list_recent_changes", title: "List recent changes",
            description: """
                Lists tickets and alerts that changed since a date (default: the last 24 hours), newest first: new tickets, \
                replies, status changes, new, acknowledged and resolved alerts. Use it for "what happened since yesterday" or a \
                shift handover; filter by customer.
                """,
            inputSchema: ToolSchema.object([
                "since": ToolSchema.instant("Only changes at or after this instant; default 24 hours ago."),
                "customer_id": ToolSchema.customerID,
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("changes", of: Self.changeSchema),
            module: .changes, requiredScopes: ["tickets:read", "alerts:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let since = try arguments.instant("since") ?? now().addingTimeInterval(-86_400)
                let page = try await store.recentChanges(since: since, customerID: arguments.string("customer_id"), page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "changes", items: page.items.map { Self.changeJSON($0, page.customerNames) },
                    lines: page.items.map { change in
                        "\(ToolDates.instant(change.changedAt)) \(change.kind.rawValue) \(change.title) (\(change.status)); "
                            + "\(page.customerNames[change.companyID] ?? change.companyID); id \(change.id)"
                    },
                    nextCursor: page.nextCursor, empty: "Nothing changed since \(ToolDates.instant(since)).", heading: "Changes, newest first:"
                )
            }
        }
    }

    static let changeSchema = ToolSchema.record(
        [
            "kind": ToolSchema.textChoice(["ticket", "alert"]), "id": ToolSchema.text, "title": ToolSchema.text, "status": ToolSchema.text,
            "customer_id": ToolSchema.text, "customer_name": ToolSchema.text, "changed_at": ToolSchema.dateTime,
        ],
        required: ["kind", "id", "title", "status", "customer_id", "changed_at"]
    )

    static func changeJSON(_ change: ChangeRecord, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(change.kind.rawValue), "id": .string(change.id), "title": .string(change.title), "status": .string(change.status),
            "customer_id": .string(change.companyID), "changed_at": .string(ToolDates.instant(change.changedAt)),
        ]
        object["customer_name"] = names[change.companyID].map(JSONValue.string)
        return .object(object)
    }
}
