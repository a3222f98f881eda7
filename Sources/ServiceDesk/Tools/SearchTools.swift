import Foundation
import Shared
import ToolKit

/// search_global.
extension ServiceDeskTools {
    var searchTools: [Tool] { [searchGlobal] }

    static let searchKinds = GlobalSearchHit.Kind.allCases.map(\.rawValue)

    var searchGlobal: Tool {
        Tool(
            name: "search_global", title: "Search everything",
            description: """
                Searches customers (name, domain), tickets (subject, number, requester), devices (name, serial number, OS), \
                alerts (title) and ticket notes at once, when you do not know what kind of record you are looking for, e.g. a \
                host name, a serial number, an email address or a phrase. Returns up to limit hits shared among the kinds, each \
                with its kind and id for the matching get_ tool. Plain words; every word must appear; words under 3 characters \
                are ignored.
                """,
            inputSchema: ToolSchema.object([
                "query": ToolSchema.string("Words to find, e.g. \"HDG-SRV-01\" or \"harbordental\".", maxLength: ToolPolicy.maximumQueryLength),
                "kinds": [
                    "type": "array", "items": ["type": "string", "enum": .array(Self.searchKinds.map(JSONValue.string))], "maxItems": 5,
                    "description": "Only these kinds of record; default all: customer, ticket, device, alert, note.",
                ],
                "limit": ToolSchema.limit,
            ], required: ["query"]),
            outputSchema: ToolSchema.list("results", of: Self.searchHitSchema),
            module: .search, requiredScopes: ["search:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                var kinds = (arguments.strings("kinds") ?? []).compactMap(GlobalSearchHit.Kind.init(rawValue:))
                if kinds.isEmpty { kinds = GlobalSearchHit.Kind.allCases }
                kinds = GlobalSearchHit.Kind.allCases.filter(kinds.contains)
                let page = try await store.searchEverything(
                    arguments.string("query")!, kinds: kinds, limitPerKind: max(1, arguments.page.limit / kinds.count), scope: scope
                )
                return ToolListing.output(
                    key: "results", items: page.items.map { Self.searchHitJSON($0, page.customerNames) },
                    lines: page.items.map { hit in
                        "\(hit.kind.rawValue) \(hit.title); \(page.customerNames[hit.companyID] ?? hit.companyID); id \(hit.id)"
                            + (hit.ticketID.map { " on ticket \($0)" } ?? "") + (hit.excerpt.map { "\n  \($0)" } ?? "")
                    },
                    nextCursor: nil, empty: "Nothing matches.", heading: "Matches:"
                )
            }
        }
    }

    static let searchHitSchema = ToolSchema.record(
        [
            "kind": ToolSchema.textChoice(searchKinds), "id": ToolSchema.text, "title": ToolSchema.text, "customer_id": ToolSchema.text,
            "customer_name": ToolSchema.text, "ticket_id": ToolSchema.text, "excerpt": ToolSchema.text,
        ],
        required: ["kind", "id", "title", "customer_id"]
    )

    static func searchHitJSON(_ hit: GlobalSearchHit, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(hit.kind.rawValue), "id": .string(hit.id), "title": .string(hit.title), "customer_id": .string(hit.companyID),
        ]
        object["customer_name"] = names[hit.companyID].map(JSONValue.string)
        object["ticket_id"] = hit.ticketID.map(JSONValue.string)
        object["excerpt"] = hit.excerpt.map(JSONValue.string)
        return .object(object)
    }
}
