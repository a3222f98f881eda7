import Foundation
import Shared
import ToolKit

/// list_assets and get_asset.
extension ServiceDeskTools {
    var assetTools: [Tool] { [listAssets, getAsset] }

    var listAssets: Tool {
        Tool(
            name: "list_assets", title: "List devices",
            description: """
                Lists the devices the MSP manages (workstations, laptops, servers, network gear, printers, phones), sorted by \
                name. Filter by customer, kind, status, warranty ending within N days (for renewal quotes) or not seen by \
                monitoring since a date (for stale or lost devices).
                """,
            inputSchema: ToolSchema.object([
                "customer_id": ToolSchema.customerID,
                "kind": ToolSchema.choice(Asset.Kind.allCases.map(\.rawValue), "Only devices of this kind."),
                "status": ToolSchema.choice(Asset.Status.allCases.map(\.rawValue), "Only devices in this status."),
                "warranty_expiring_within_days": ToolSchema.days("Only devices whose warranty ends between now and this many days from now."),
                "last_seen_before": ToolSchema.instant("Only devices whose monitoring agent has not checked in since this instant (or never)."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("assets", of: Self.assetSchema),
            module: .assets, requiredScopes: ["assets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let asOf = now()
                let filter = AssetFilter(
                    customerID: arguments.string("customer_id"), kind: arguments.choice("kind"), status: arguments.choice("status"),
                    warrantyEndsBetween: arguments.integer("warranty_expiring_within_days").map { asOf...asOf.addingTimeInterval(Double($0) * 86_400) },
                    lastSeenBefore: try arguments.instant("last_seen_before")
                )
                let page = try await store.assets(filter, page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "assets", items: page.items.map { Self.assetJSON($0, page.customerNames) },
                    lines: page.items.map { Self.assetLine($0, page.customerNames) }, nextCursor: page.nextCursor, empty: "No devices match.",
                    heading: "Devices:"
                )
            }
        }
    }

    var getAsset: Tool {
        Tool(
            name: "get_asset", title: "Get a device",
            description: """
                Returns one device: kind, operating system, serial number, site, warranty end, when monitoring last saw it, its \
                open and acknowledged alerts, and the backup jobs that protect it.
                """,
            inputSchema: ToolSchema.object(["asset_id": ToolSchema.id("The device's id (ast_…).")], required: ["asset_id"]),
            outputSchema: Self.assetDetailSchema,
            module: .assets, requiredScopes: ["assets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("asset_id")!
                guard let detail = try await store.asset(id: id, scope: scope) else {
                    throw Self.notFound("device", id, hint: "Call list_assets or search_global to find device ids.")
                }
                let names = [detail.asset.companyID: detail.customerName]
                guard case .object(var object) = Self.assetJSON(detail.asset, names) else { return ToolOutput(structured: .null, text: "") }
                object["site_name"] = detail.siteName.map(JSONValue.string)
                object["active_alerts"] = .array(detail.activeAlerts.map { Self.alertJSON($0, names) })
                object["backup_jobs"] = .array(detail.backupJobs.map { Self.backupJSON($0, names) })
                var lines = [Self.assetLine(detail.asset, names), "Serial \(detail.asset.serialNumber)\(detail.siteName.map { " at \($0)" } ?? "")."]
                lines.append("Open alerts: \(detail.activeAlerts.count)" + (detail.activeAlerts.isEmpty ? "." : ":"))
                lines += detail.activeAlerts.map { "  - " + Self.alertLine($0, names) }
                lines.append("Backup jobs: \(detail.backupJobs.count)" + (detail.backupJobs.isEmpty ? "." : ":"))
                lines += detail.backupJobs.map { "  - " + Self.backupLine($0, names) }
                return ToolOutput(structured: .object(object), text: lines.joined(separator: "\n"))
            }
        }
    }

    // MARK: records

    static let assetProperties: [String: JSONValue] = [
        "id": ToolSchema.text, "name": ToolSchema.text, "kind": ToolSchema.textChoice(Asset.Kind.allCases.map(\.rawValue)), "os": ToolSchema.text,
        "status": ToolSchema.textChoice(Asset.Status.allCases.map(\.rawValue)), "serial_number": ToolSchema.text, "customer_id": ToolSchema.text,
        "customer_name": ToolSchema.text, "site_id": ToolSchema.text, "warranty_ends_at": ToolSchema.dateTime, "last_seen_at": ToolSchema.dateTime,
    ]
    static let assetRequired = ["id", "name", "kind", "status", "serial_number", "customer_id"]
    static let assetSchema = ToolSchema.record(assetProperties, required: assetRequired)

    static var assetDetailSchema: JSONValue {
        var properties = assetProperties
        properties["site_name"] = ToolSchema.text
        properties["active_alerts"] = ["type": "array", "items": alertSchema]
        properties["backup_jobs"] = ["type": "array", "items": backupSchema]
        return ToolSchema.record(properties, required: assetRequired + ["active_alerts", "backup_jobs"])
    }

    static func assetJSON(_ asset: Asset, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(asset.id), "name": .string(asset.name), "kind": .string(asset.kind.rawValue), "status": .string(asset.status.rawValue),
            "serial_number": .string(asset.serialNumber), "customer_id": .string(asset.companyID),
        ]
        object["os"] = asset.os.map(JSONValue.string)
        object["customer_name"] = names[asset.companyID].map(JSONValue.string)
        object["site_id"] = asset.siteID.map(JSONValue.string)
        object["warranty_ends_at"] = asset.warrantyEndsAt.map { .string(ToolDates.instant($0)) }
        object["last_seen_at"] = asset.lastSeenAt.map { .string(ToolDates.instant($0)) }
        return .object(object)
    }

    static func assetLine(_ asset: Asset, _ names: [String: String]) -> String {
        "\(asset.name) (\(asset.kind.rawValue)\(asset.os.map { ", \($0)" } ?? "")) \(asset.status.rawValue); \(names[asset.companyID] ?? asset.companyID); "
            + "last seen \(asset.lastSeenAt.map(ToolDates.instant) ?? "never"); warranty ends \(asset.warrantyEndsAt.map(ToolDates.day) ?? "unknown"); id \(asset.id)"
    }
}
