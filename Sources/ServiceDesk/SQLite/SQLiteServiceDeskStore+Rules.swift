import Foundation
import GRDB

/// Rule runs, newest first.
extension SQLiteServiceDeskStore {
    public func ruleExecutions(_ filter: RuleExecutionFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<RuleExecution> {
        try await database.read { db in
            var conditions = SQLConditions()
            conditions.scope(scope, table: "rule_execution")
            if let rule = filter.ruleID { conditions.add("rule_execution.rule_id = ?", [rule]) }
            if let customer = filter.customerID { conditions.add("rule_execution.company_id = ?", [customer]) }
            if let since = filter.since { conditions.add("rule_execution.started_at >= ?", [since]) }
            switch filter.state {
            case nil: break
            case .succeeded?: conditions.add("rule_execution.outcome = ?", [RuleExecution.Outcome.succeeded.rawValue])
            case .failed?: conditions.add("rule_execution.outcome = ?", [RuleExecution.Outcome.failed.rawValue])
            case .skipped?: conditions.add("rule_execution.outcome = ?", [RuleExecution.Outcome.skipped.rawValue])
            case .awaitingRetry?:
                conditions.add("rule_execution.outcome = ? AND rule_execution.retry_at IS NOT NULL", [RuleExecution.Outcome.failed.rawValue])
            }
            let (items, next): ([RuleExecution], String?) = try page(
                db, select: "SELECT rule_execution.* FROM rule_execution", conditions: conditions, order: KeysetOrder.ruleExecutions, page: request
            ) { [.date($0.startedAt), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.compactMap(\.companyID), scope: scope))
        }
    }
}
