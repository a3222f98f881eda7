import Foundation
import Shared
import ToolKit

/// What every write tool shares: the controls `dry_run`, `idempotency_key` and `confirm`, the way a
/// call becomes a `DeskWrite` (dry run, preview under the tenant's `confirm_writes`, or the real
/// thing), and one answer format for all of them.
extension ServiceDeskTools {
    enum WriteControl {
        static let dryRun = "dry_run"
        static let idempotencyKey = "idempotency_key"
        static let confirm = "confirm"
        static let all: Set<String> = [dryRun, idempotencyKey, confirm]
    }

    /// An input schema with the write controls added to the tool's own arguments. `dryRunByDefault`: the tool
    /// changes something only when called with `dry_run: false` given explicitly.
    static func writeSchema(_ properties: [String: JSONValue], required: [String] = [], dryRunByDefault: Bool = false) -> JSONValue {
        var properties = properties
        properties[WriteControl.dryRun] = [
            "type": "boolean", "default": .bool(dryRunByDefault),
            "description": dryRunByDefault
                ? "Default true: work out and return exactly what would change, and change nothing. Pass false to make the change."
                : "true: work out and return exactly what would change, and change nothing.",
        ]
        properties[WriteControl.idempotencyKey] = ToolSchema.string(
            "Any unique text, e.g. a UUID. Retrying with the same key and the same arguments within 24 hours returns the first answer "
                + "and changes nothing again, so a retry after a timeout is safe.",
            maxLength: ToolPolicy.maximumIdempotencyKeyLength
        )
        properties[WriteControl.confirm] = ToolSchema.id(
            "Only when a previous call answered awaiting_confirmation: its confirmation_id, with the same arguments, to carry the change out."
        )
        return ToolSchema.object(properties, required: required)
    }

    static let fieldChangeSchema = ToolSchema.record(
        ["record": ToolSchema.text, "id": ToolSchema.text, "field": ToolSchema.text, "from": ToolSchema.text, "to": ToolSchema.text],
        required: ["record", "id", "field"]
    )

    static var writeOutputSchema: JSONValue {
        ToolSchema.record(
            [
                "status": ToolSchema.textChoice(["done", "dry_run", "awaiting_confirmation", "replayed"]), "summary": ToolSchema.text,
                "changes": ["type": "array", "items": fieldChangeSchema], "customer_id": ToolSchema.text, "ticket": ticketSchema, "note": noteSchema,
                "alert": alertSchema, "rule_execution": ruleExecutionSchema, "confirmation_id": ToolSchema.text,
                "confirmation_expires_at": ToolSchema.dateTime,
            ],
            required: ["status", "summary", "changes"]
        )
    }

    /// Runs a write: `change` turns the checked arguments into the store's terms; everything else
    /// (scope, mode, fingerprint, the store's refusals as messages) is the same for every write tool. With
    /// `dryRunByDefault`, only an explicit `dry_run: false` makes the change.
    func write(
        _ invocation: ToolInvocation, dryRunByDefault: Bool = false, _ change: (ToolArguments, ServiceDeskScope) throws(ToolError) -> DeskChange
    ) async throws -> ToolOutput {
        let scope = try Self.scope(of: invocation)
        let arguments = ToolArguments(invocation.arguments)
        let deskChange = try change(arguments, scope)
        let now = now()
        let confirmation = arguments.string(WriteControl.confirm)
        // A confirmation carries out a change previewed earlier, so it counts as asking for the real thing.
        let dryRun = arguments.bool(WriteControl.dryRun) ?? (dryRunByDefault && confirmation == nil)
        let mode: DeskWrite.Mode
        if dryRun {
            guard confirmation == nil else { throw ToolError("Give dry_run or confirm, not both: confirm carries out a previewed change.") }
            mode = .dryRun
        } else if let confirmation {
            mode = .commit(confirmation: confirmation)
        } else if try await store.settings(tenantID: scope.tenantID).confirmWrites {
            mode = .preview(expiresAt: now.addingTimeInterval(DeskSettings.confirmationLifetime))
        } else {
            mode = .commit(confirmation: nil)
        }
        let write = DeskWrite(
            change: deskChange, scope: scope, actor: invocation.caller.claims.email ?? invocation.caller.claims.subject, now: now, mode: mode,
            idempotency: arguments.string(WriteControl.idempotencyKey).map(IdempotencyClaim.init(key:)),
            fingerprint: WriteFingerprint(
                subject: invocation.caller.claims.subject, tool: invocation.audit.tool,
                argumentDigest: AuditTrail.digest(.object(invocation.arguments.filter { !WriteControl.all.contains($0.key) }))
            )
        )
        do {
            return Self.writeOutput(try await store.perform(write, audit: invocation.audit), tool: invocation.audit.tool)
        } catch let error as DeskWriteError {
            throw await message(for: error, key: write.idempotency?.key, tenantID: scope.tenantID)
        }
    }

    func message(for error: DeskWriteError, key: String?, tenantID: String) async -> ToolError {
        switch error {
        case .notFound("rule", let id):
            // A model has no other way to find rule ids, so the refusal lists them.
            let rules = (try? await store.rules(tenantID: tenantID)) ?? []
            let list = rules.map { "- \($0.id): \($0.name)\($0.enabled ? "" : " (disabled)"), \($0.trigger) → \($0.action)" }
            return Self.notFound("rule", id, hint: rules.isEmpty ? "This service desk has no rules." : "The rules are:\n" + list.joined(separator: "\n"))
        case .notFound(let kind, let id):
            let hint = switch kind {
            case "ticket": Self.ticketNotFoundHint
            case "alert": "Call list_alerts to find alert ids."
            case "customer": Self.customerNotFoundHint
            default: "Check the id with the matching list tool."
            }
            return Self.notFound(kind, id, hint: hint)
        case .conflict(let reason): return ToolError("Nothing was changed: \(reason).")
        case .idempotencyKeyReused:
            return ToolError(
                "Nothing was changed: idempotency_key '\(key ?? "")' was used in the last 24 hours for a different call (another tool or other "
                    + "arguments). Use a new key for a new change; repeat the exact arguments to get the first answer again."
            )
        case .confirmation(let reason): return ToolError("Nothing was changed: \(reason)")
        }
    }

    static func writeOutput(_ result: DeskWriteResult, tool: String) -> ToolOutput {
        let report: DeskWriteReport
        var structured: [String: JSONValue] = [:]
        let lead: String
        var tail: String?
        switch result {
        case .done(let done):
            report = done
            structured["status"] = "done"
            lead = "Done: \(report.summary)."
        case .dryRun(let preview):
            report = preview
            structured["status"] = "dry_run"
            lead = "Dry run, nothing was changed. This call would: \(report.summary)."
            tail = "Ids and ticket numbers are assigned when the change is made for real."
        case .awaitingConfirmation(let preview, let id, let expiresAt):
            report = preview
            structured["status"] = "awaiting_confirmation"
            structured["confirmation_id"] = .string(id)
            structured["confirmation_expires_at"] = .string(ToolDates.instant(expiresAt))
            lead = "Not done yet: this service desk confirms every write. This call would: \(report.summary)."
            tail = "To carry it out, call \(tool) again with the same arguments and confirm \"\(id)\" before \(ToolDates.instant(expiresAt))."
        case .replayed(let earlier, let replay):
            report = earlier
            structured["status"] = "replayed"
            let control = replay == .idempotencyKey ? "idempotency_key" : "confirmation"
            lead = "Already done by an earlier call with this \(control); nothing was changed now. That call: \(report.summary)."
        }
        structured["summary"] = .string(report.summary)
        structured["changes"] = .array(report.changes.map(Self.fieldChangeJSON))
        structured["customer_id"] = report.customerID.map(JSONValue.string)
        structured["ticket"] = report.ticket.map { ticketJSON($0, [:]) }
        structured["note"] = report.note.map(noteJSON)
        structured["alert"] = report.alert.map { alertJSON($0, [:]) }
        structured["rule_execution"] = report.ruleExecution.map(ruleExecutionJSON)
        var lines = [lead]
        lines += report.changes.map { change in
            "- \(change.record) \(change.id): \(change.field)" + (change.from.map { " from \($0)" } ?? "") + (change.to.map { " to \($0)" } ?? "")
        }
        if let ticket = report.ticket { lines.append("Ticket: " + ticketLine(ticket, [:])) }
        if let tail { lines.append(tail) }
        return ToolOutput(structured: .object(structured), text: lines.joined(separator: "\n"))
    }

    static func fieldChangeJSON(_ change: FieldChange) -> JSONValue {
        var object: [String: JSONValue] = ["record": .string(change.record), "id": .string(change.id), "field": .string(change.field)]
        object["from"] = change.from.map(JSONValue.string)
        object["to"] = change.to.map(JSONValue.string)
        return .object(object)
    }
}
