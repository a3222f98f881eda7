import Foundation
import GRDB

/// Rule runs, newest first.
extension SQLiteServiceDeskStore {
    public func ruleExecutions(_ filter: RuleExecutionFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<RuleExecution> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.ruleExecutions(filter, scope: scope)
            let (items, next): ([RuleExecution], String?) = try page(
                db, select: "SELECT rule_execution.* FROM rule_execution", conditions: conditions, order: KeysetOrder.ruleExecutions, page: request
            ) { [.date($0.startedAt), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.compactMap(\.companyID), scope: scope))
        }
    }
}
