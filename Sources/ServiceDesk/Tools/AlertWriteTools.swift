import Foundation
import Shared
import ToolKit

/// acknowledge_alert and resolve_alert.
extension ServiceDeskTools {
    var alertWriteTools: [Tool] { [acknowledgeAlert, resolveAlert] }

    static func alertWriteSchema(noteDescription: String) -> JSONValue {
        writeSchema([
            "alert_id": ToolSchema.id("The alert's id (alr_…)."), "note": ToolSchema.string(noteDescription, maxLength: ToolPolicy.maximumNoteLength),
        ], required: ["alert_id"])
    }

    var acknowledgeAlert: Tool {
        Tool(
            name: "acknowledge_alert", title: "Acknowledge an alert",
            description: """
                Marks an open alert as acknowledged: someone is on it. It stays in the open lists until resolved. The note is \
                kept in the alert's history.
                """,
            inputSchema: Self.alertWriteSchema(noteDescription: "Who is on it and what happens next."),
            outputSchema: Self.writeOutputSchema,
            module: .alerts, requiredScopes: ["alerts:write"], kind: .write
        ) { invocation in
            try await write(invocation) { arguments, _ in .updateAlert(alertID: arguments.string("alert_id")!, action: .acknowledged, note: arguments.string("note")) }
        }
    }

    var resolveAlert: Tool {
        Tool(
            name: "resolve_alert", title: "Resolve an alert",
            description: """
                Marks an open or acknowledged alert as resolved: the cause is fixed or it was a false alarm (say which in the note).
                """,
            inputSchema: Self.alertWriteSchema(noteDescription: "What fixed it, or why it was a false alarm."),
            outputSchema: Self.writeOutputSchema,
            module: .alerts, requiredScopes: ["alerts:write"], kind: .write
        ) { invocation in
            try await write(invocation) { arguments, _ in .updateAlert(alertID: arguments.string("alert_id")!, action: .resolved, note: arguments.string("note")) }
        }
    }
}
