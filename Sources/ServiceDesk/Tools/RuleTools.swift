import Foundation
import ToolKit

/// run_rule, high-trust.
extension ServiceDeskTools {
    var ruleTools: [Tool] { [runRule] }

    var runRule: Tool {
        Tool(
            name: "run_rule", title: "Run an automation rule",
            description: """
                Runs one of the service desk's automation rules now, for one customer or (without customer_id) for every customer, \
                and records the run. High-trust: it needs a second factor from the last 15 minutes; without one the call is \
                refused with a request for the mfa scope. An unknown rule_id is answered with the list of rules and their ids; \
                use dry_run to see what would be recorded.
                """,
            inputSchema: Self.writeSchema([
                "rule_id": ToolSchema.id("The rule's id (rul_…)."),
                "customer_id": ToolSchema.id("Run it for this customer only (cus_…); omit for every customer."),
            ], required: ["rule_id"]),
            outputSchema: Self.writeOutputSchema,
            requiredScopes: ["rules:run"], kind: .highTrust
        ) { invocation in
            try await write(invocation) { arguments, _ in
                .runRule(ruleID: arguments.string("rule_id")!, customerID: arguments.string("customer_id"))
            }
        }
    }

    static let ruleExecutionSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "rule_id": ToolSchema.text, "customer_id": ToolSchema.text, "started_at": ToolSchema.dateTime,
            "finished_at": ToolSchema.dateTime, "outcome": ToolSchema.textChoice(RuleExecution.Outcome.allCases.map(\.rawValue)), "summary": ToolSchema.text,
        ],
        required: ["id", "rule_id", "started_at", "outcome", "summary"]
    )

    static func ruleExecutionJSON(_ execution: RuleExecution) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(execution.id), "rule_id": .string(execution.ruleID), "started_at": .string(ToolDates.instant(execution.startedAt)),
            "outcome": .string(execution.outcome.rawValue), "summary": .string(execution.summary),
        ]
        object["customer_id"] = execution.companyID.map(JSONValue.string)
        object["finished_at"] = execution.finishedAt.map { .string(ToolDates.instant($0)) }
        return .object(object)
    }
}
