import Foundation
import Shared
import ToolKit

/// list_alerts and get_alert.
extension ServiceDeskTools {
    var alertTools: [Tool] { [listAlerts, getAlert] }

    var listAlerts: Tool {
        Tool(
            name: "list_alerts", title: "List monitoring alerts",
            description: """
                Lists monitoring alerts raised on customers' devices (disk space, offline agents, failed services, WAN links, \
                threats…), most severe first (critical, warning, info), then newest. Without status it lists the ones still \
                needing attention: open and acknowledged. Filter by customer, device (asset_id), severity or status.
                """,
            inputSchema: ToolSchema.object([
                "customer_id": ToolSchema.customerID,
                "asset_id": ToolSchema.id("Only alerts on this device (ast_…)."),
                "severity": ToolSchema.choice(Alert.Severity.allCases.map(\.rawValue), "Only alerts of this severity."),
                "status": ToolSchema.choice(Alert.Status.allCases.map(\.rawValue), "Only alerts in this status; default: open and acknowledged."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("alerts", of: Self.alertSchema),
            module: .alerts, requiredScopes: ["alerts:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                var filter = AlertFilter(customerID: arguments.string("customer_id"), assetID: arguments.string("asset_id"), severity: arguments.choice("severity"))
                if let status: Alert.Status = arguments.choice("status") { filter.statuses = [status] }
                let page = try await store.alerts(filter, page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "alerts", items: page.items.map { Self.alertJSON($0, page.customerNames) },
                    lines: page.items.map { Self.alertLine($0, page.customerNames) }, nextCursor: page.nextCursor, empty: "No alerts match.",
                    heading: "Alerts, most severe first:"
                )
            }
        }
    }

    var getAlert: Tool {
        Tool(
            name: "get_alert", title: "Get an alert",
            description: """
                Returns one alert with the device it is on and its history: who acknowledged or resolved it, when, and what they noted.
                """,
            inputSchema: ToolSchema.object(["alert_id": ToolSchema.id("The alert's id (alr_…).")], required: ["alert_id"]),
            outputSchema: Self.alertDetailSchema,
            module: .alerts, requiredScopes: ["alerts:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("alert_id")!
                guard let detail = try await store.alert(id: id, scope: scope) else {
                    throw Self.notFound("alert", id, hint: "Call list_alerts to find alert ids.")
                }
                let names = [detail.alert.companyID: detail.customerName]
                guard case .object(var object) = Self.alertJSON(detail.alert, names) else { return ToolOutput(structured: .null, text: "") }
                object["asset_name"] = detail.assetName.map(JSONValue.string)
                object["history"] = .array(detail.history.map(Self.alertEventJSON))
                var lines = [Self.alertLine(detail.alert, names)]
                if let asset = detail.assetName, let assetID = detail.alert.assetID { lines.append("Device: \(asset) (\(assetID)).") }
                lines.append(detail.history.isEmpty ? "Nobody has acknowledged it yet." : "History:")
                lines += detail.history.map { "- \(ToolDates.instant($0.occurredAt)) \($0.action.rawValue) by \($0.actor)\($0.note.map { ": \($0)" } ?? "")" }
                return ToolOutput(structured: .object(object), text: lines.joined(separator: "\n"))
            }
        }
    }

    // MARK: records

    static let alertProperties: [String: JSONValue] = [
        "id": ToolSchema.text, "title": ToolSchema.text, "severity": ToolSchema.textChoice(Alert.Severity.allCases.map(\.rawValue)),
        "status": ToolSchema.textChoice(Alert.Status.allCases.map(\.rawValue)), "customer_id": ToolSchema.text, "customer_name": ToolSchema.text,
        "asset_id": ToolSchema.text, "source": ToolSchema.text, "created_at": ToolSchema.dateTime, "updated_at": ToolSchema.dateTime,
    ]
    static let alertRequired = ["id", "title", "severity", "status", "customer_id", "source", "created_at", "updated_at"]
    static let alertSchema = ToolSchema.record(alertProperties, required: alertRequired)

    static var alertDetailSchema: JSONValue {
        var properties = alertProperties
        properties["asset_name"] = ToolSchema.text
        properties["history"] = [
            "type": "array",
            "items": ToolSchema.record(
                [
                    "id": ToolSchema.text, "action": ToolSchema.textChoice(["acknowledged", "resolved", "reopened"]), "actor": ToolSchema.text,
                    "note": ToolSchema.text, "occurred_at": ToolSchema.dateTime,
                ],
                required: ["id", "action", "actor", "occurred_at"]
            ),
        ]
        return ToolSchema.record(properties, required: alertRequired + ["history"])
    }

    static func alertJSON(_ alert: Alert, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(alert.id), "title": .string(alert.title), "severity": .string(alert.severity.rawValue), "status": .string(alert.status.rawValue),
            "customer_id": .string(alert.companyID), "source": .string(alert.source), "created_at": .string(ToolDates.instant(alert.createdAt)),
            "updated_at": .string(ToolDates.instant(alert.updatedAt)),
        ]
        object["customer_name"] = names[alert.companyID].map(JSONValue.string)
        object["asset_id"] = alert.assetID.map(JSONValue.string)
        return .object(object)
    }

    static func alertEventJSON(_ event: AlertEvent) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(event.id), "action": .string(event.action.rawValue), "actor": .string(event.actor),
            "occurred_at": .string(ToolDates.instant(event.occurredAt)),
        ]
        object["note"] = event.note.map(JSONValue.string)
        return .object(object)
    }

    static func alertLine(_ alert: Alert, _ names: [String: String]) -> String {
        "[\(alert.severity.rawValue), \(alert.status.rawValue)] \(alert.title); \(names[alert.companyID] ?? alert.companyID); "
            + "raised \(ToolDates.instant(alert.createdAt)) by \(alert.source); id \(alert.id)"
    }
}
