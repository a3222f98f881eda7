import Foundation
import PostgresNIO

extension PostgresServiceDeskStore {
    public func ruleExecutions(_ filter: RuleExecutionFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<RuleExecution> {
        let conditions = SQLConditions.ruleExecutions(filter, scope: scope)
        let (items, next) = try await page(RuleExecution.self, from: "rule_execution", conditions, order: .ruleExecutions, page: request) {
            [.date($0.startedAt), .text($0.id)]
        }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.compactMap(\.companyID), scope: scope))
    }

    /// By name in any case (ASCII letters folded, as on SQLite), then id.
    public func rules(tenantID: String) async throws -> [Rule] {
        var conditions = SQLConditions()
        conditions.add("tenant_id = ?", [tenantID])
        return try await fetch(Rule.self, from: "rule", conditions, "ORDER BY lower(name), id")
    }

    public func settings(tenantID: String) async throws -> DeskSettings {
        let query = PostgresQuery(sql: "SELECT confirm_writes FROM desk_settings WHERE tenant_id = ?", [.text(tenantID)])
        let confirm = try await database.query(query).collect().first?.decode(Bool.self)
        return DeskSettings(confirmWrites: confirm ?? false)
    }

    public func saveSettings(_ settings: DeskSettings, tenantID: String) async throws {
        try await database.query(
            PostgresQuery(
                sql: """
                    INSERT INTO desk_settings (tenant_id, confirm_writes) VALUES (?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET confirm_writes = excluded.confirm_writes
                    """, [.text(tenantID), .bool(settings.confirmWrites)]))
    }
}
