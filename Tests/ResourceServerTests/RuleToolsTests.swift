import Foundation
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// list_rules and list_rule_executions over the seeded desk: the rules, the runs newest first in keyset pages,
/// failed runs and those awaiting a retry.
@Suite("Rule tools")
struct RuleToolsTests {
    let scope = SeededDesk.everyScope

    @Test("list_rules lists every rule by name with its trigger, action and state")
    func listRules() async throws {
        let desk = try await SeededDesk.shared.value
        try await desk.session { client in
            let result = try await client.call("list_rules", as: desk.admin, scope: scope)
            #expect(!result.isError, "\(result.text)")
            let expected = desk.records.rules.sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
            #expect(result.ids("rules") == expected.map(\.id))
            #expect(result.items("rules").contains { $0["enabled"] == false })
            #expect(result.text.contains("(disabled)") && result.text.contains(expected[0].trigger))
            let technician = try await client.call("list_rules", as: desk.technician, scope: scope)
            #expect(technician.isError && technician.text.contains("list_rules is for admin accounts"))
        }
    }

    @Test("list_rule_executions pages newest first through every run, and filters failed runs and those awaiting a retry")
    func listExecutions() async throws {
        let desk = try await SeededDesk.shared.value
        let runs = desk.records.ruleExecutions
        let waiting = runs.filter(\.awaitsRetry)
        #expect(!waiting.isEmpty, "the demo has failures waiting for their retry")
        #expect(runs.contains { $0.outcome == .failed && $0.retryAt == nil }, "and older failures that are not retried")
        try await desk.session { client in
            var seen: [String] = []
            var cursor: String?
            repeat {
                var arguments: [String: JSONValue] = ["limit": 40]
                if let cursor { arguments["cursor"] = .string(cursor) }
                let page = try await client.call("list_rule_executions", arguments, as: desk.admin, scope: scope)
                #expect(!page.isError, "\(page.text)")
                seen += page.ids("executions")
                cursor = page.structured?["next_cursor"]?.stringValue
            } while cursor != nil
            let newestFirst = runs.sorted { ($0.startedAt, $1.id) > ($1.startedAt, $0.id) }
            #expect(Set(seen) == Set(runs.map(\.id)) && seen.count == runs.count)
            #expect(seen.map { id in runs.first { $0.id == id }!.startedAt } == newestFirst.map(\.startedAt))

            let failed = try await client.call("list_rule_executions", ["state": "failed", "limit": 100], as: desk.admin, scope: scope)
            #expect(Set(failed.ids("executions")) == Set(runs.filter { $0.outcome == .failed }.map(\.id)))
            let retries = try await client.call("list_rule_executions", ["state": "awaiting_retry", "limit": 100], as: desk.admin, scope: scope)
            #expect(Set(retries.ids("executions")) == Set(waiting.map(\.id)))
            #expect(retries.items("executions").allSatisfy { $0["retry_at"]?.stringValue != nil } && retries.text.contains("retry at"))
            let rule = try #require(runs.first?.ruleID)
            let oneRule = try await client.call("list_rule_executions", ["rule_id": .string(rule), "limit": 100], as: desk.admin, scope: scope)
            #expect(Set(oneRule.ids("executions")) == Set(runs.filter { $0.ruleID == rule }.map(\.id)))
            let badCursor = try await client.call("list_rule_executions", ["cursor": "k1.nonsense"], as: desk.admin, scope: scope)
            #expect(badCursor.isError && badCursor.text.contains("cursor is not one this list returned"))
            let badState = try await client.call("list_rule_executions", ["state": "pending"], as: desk.admin, scope: scope)
            #expect(badState.isError)
        }
    }
}
