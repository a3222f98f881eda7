import Foundation
import Shared
import ToolKit

/// list_rules and list_rule_executions (reads), and run_rule, high-trust and a dry run unless told otherwise.
extension ServiceDeskTools {
    var ruleReadTools: [Tool] { [listRules, listRuleExecutions] }
    var ruleTools: [Tool] { [runRule] }

    var listRules: Tool {
        Tool(
            name: "list_rules", title: "List automation rules",
            description: """
                Lists the service desk's automation rules by name: id, what starts each (trigger), what it does (action) and whether it \
                is enabled. Use the ids with list_rule_executions and run_rule.
                """,
            inputSchema: ToolSchema.object([:]),
            outputSchema: ToolSchema.record(["rules": ["type": "array", "items": Self.ruleSchema]], required: ["rules"]),
            module: .rules, requiredScopes: ["rules:run"], kind: .read
        ) { invocation in
            try await read(invocation) { _, scope in
                let rules = try await store.rules(tenantID: scope.tenantID)
                return ToolListing.output(
                    key: "rules", items: rules.map(Self.ruleJSON), lines: rules.map(Self.ruleLine), nextCursor: nil,
                    empty: "This service desk has no rules.", heading: "Automation rules:"
                )
            }
        }
    }

    var listRuleExecutions: Tool {
        Tool(
            name: "list_rule_executions", title: "List rule runs",
            description: """
                Lists runs of the automation rules, newest first: when each started and finished, for which customer, how it ended and \
                what it did. state failed lists every failed run; awaiting_retry only the failed runs the scheduler will try again, with \
                retry_at. Filter by rule, customer, state or start date.
                """,
            inputSchema: ToolSchema.object([
                "rule_id": ToolSchema.id("Only runs of this rule (rul_…)."),
                "customer_id": ToolSchema.customerID,
                "state": ToolSchema.choice(RuleExecutionFilter.State.allCases.map(\.rawValue), "Only runs that ended this way."),
                "since": ToolSchema.instant("Only runs started at or after this instant."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("executions", of: Self.ruleExecutionSchema),
            module: .rules, requiredScopes: ["rules:run"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let filter = RuleExecutionFilter(
                    ruleID: arguments.string("rule_id"), customerID: arguments.string("customer_id"), state: arguments.choice("state"),
                    since: try arguments.instant("since"))
                let page = try await store.ruleExecutions(filter, page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "executions", items: page.items.map(Self.ruleExecutionJSON), lines: page.items.map(Self.ruleExecutionLine),
                    nextCursor: page.nextCursor, empty: "No rule runs match.", heading: "Rule runs, newest first:"
                )
            }
        }
    }

    var runRule: Tool {
        Tool(
            name: "run_rule", title: "Run an automation rule",
            description: """
                A dry run unless dry_run: false is passed explicitly: without it, nothing runs and the answer says what the run \
                would do. With dry_run: false, runs one of the service desk's automation rules now, for one customer or (without \
                customer_id) for every customer, and records the run. High-trust: it needs a second factor from the last 15 minutes; \
                without one the call is refused with a request for the mfa scope. An unknown rule_id is answered with the list of \
                rules and their ids (list_rules lists them too).
                """,
            inputSchema: Self.writeSchema([
                "rule_id": ToolSchema.id("The rule's id (rul_…)."),
                "customer_id": ToolSchema.id("Run it for this customer only (cus_…); omit for every customer."),
            ], required: ["rule_id"], dryRunByDefault: true),
            outputSchema: Self.writeOutputSchema,
            module: .rules, requiredScopes: ["rules:run"], kind: .highTrust
        ) { invocation in
            try await write(invocation, dryRunByDefault: true) { arguments, _ in
                .runRule(ruleID: arguments.string("rule_id")!, customerID: arguments.string("customer_id"))
            }
        }
    }

    static let ruleExecutionSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "rule_id": ToolSchema.text, "customer_id": ToolSchema.text, "started_at": ToolSchema.dateTime,
            "finished_at": ToolSchema.dateTime, "outcome": ToolSchema.textChoice(RuleExecution.Outcome.allCases.map(\.rawValue)), "summary": ToolSchema.text,
            "retry_at": ToolSchema.dateTime,
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
        object["retry_at"] = execution.retryAt.map { .string(ToolDates.instant($0)) }
        return .object(object)
    }

    static func ruleExecutionLine(_ execution: RuleExecution) -> String {
        "\(ToolDates.instant(execution.startedAt)) rule \(execution.ruleID)\(execution.companyID.map { " for \($0)" } ?? ""): "
            + "\(execution.outcome.rawValue)\(execution.retryAt.map { ", retry at \(ToolDates.instant($0))" } ?? ""); \(execution.summary); id \(execution.id)"
    }

    static let ruleSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "name": ToolSchema.text, "description": ToolSchema.text, "trigger": ToolSchema.text, "action": ToolSchema.text,
            "enabled": ToolSchema.boolean,
        ],
        required: ["id", "name", "description", "trigger", "action", "enabled"]
    )

    static func ruleJSON(_ rule: Rule) -> JSONValue {
        [
            "id": .string(rule.id), "name": .string(rule.name), "description": .string(rule.description), "trigger": .string(rule.trigger),
            "action": .string(rule.action), "enabled": .bool(rule.enabled),
        ]
    }

    static func ruleLine(_ rule: Rule) -> String {
        "\(rule.name)\(rule.enabled ? "" : " (disabled)"): \(rule.trigger) → \(rule.action); id \(rule.id)"
    }
}
