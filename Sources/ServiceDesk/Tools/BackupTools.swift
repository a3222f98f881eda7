import Foundation
import Shared
import ToolKit

/// list_backups_failing.
extension ServiceDeskTools {
    var backupTools: [Tool] { [listBackupsFailing] }

    var listBackupsFailing: Tool {
        Tool(
            name: "list_backups_failing", title: "List failing backups",
            description: """
                Lists backup jobs whose last run failed since a date (default: the last 7 days), newest failure first, with the \
                vendor's error message and when the job last succeeded. A job that failed and then succeeded again is not listed.
                """,
            inputSchema: ToolSchema.object([
                "since": ToolSchema.instant("Only failures at or after this instant; default 7 days ago."),
                "customer_id": ToolSchema.customerID,
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("backups", of: Self.backupSchema),
            module: .backups, requiredScopes: ["assets:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let since = try arguments.instant("since") ?? now().addingTimeInterval(-7 * 86_400)
                let page = try await store.failingBackups(since: since, customerID: arguments.string("customer_id"), page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "backups", items: page.items.map { Self.backupJSON($0, page.customerNames) },
                    lines: page.items.map { Self.backupLine($0, page.customerNames) }, nextCursor: page.nextCursor,
                    empty: "No backup job has failed since \(ToolDates.instant(since)).", heading: "Failing backup jobs, newest failure first:"
                )
            }
        }
    }

    static let backupSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "name": ToolSchema.text, "vendor": ToolSchema.text, "status": ToolSchema.textChoice(BackupJob.Status.allCases.map(\.rawValue)),
            "customer_id": ToolSchema.text, "customer_name": ToolSchema.text, "asset_id": ToolSchema.text, "last_run_at": ToolSchema.dateTime,
            "last_success_at": ToolSchema.dateTime, "message": ToolSchema.text,
        ],
        required: ["id", "name", "vendor", "status", "customer_id", "last_run_at"]
    )

    static func backupJSON(_ job: BackupJob, _ names: [String: String]) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(job.id), "name": .string(job.name), "vendor": .string(job.vendor), "status": .string(job.status.rawValue),
            "customer_id": .string(job.companyID), "last_run_at": .string(ToolDates.instant(job.lastRunAt)),
        ]
        object["customer_name"] = names[job.companyID].map(JSONValue.string)
        object["asset_id"] = job.assetID.map(JSONValue.string)
        object["last_success_at"] = job.lastSuccessAt.map { .string(ToolDates.instant($0)) }
        object["message"] = job.message.map(JSONValue.string)
        return .object(object)
    }

    static func backupLine(_ job: BackupJob, _ names: [String: String]) -> String {
        "\(job.name) (\(job.vendor)) \(job.status.rawValue) at \(ToolDates.instant(job.lastRunAt))\(job.message.map { ": \($0)" } ?? ""); "
            + "\(names[job.companyID] ?? job.companyID); last success \(job.lastSuccessAt.map(ToolDates.instant) ?? "never"); id \(job.id)"
    }
}
