import Foundation

/// The lists' orders, the same on both engines (the customers' alone differs: each engine folds case its
/// own way). Ranks are CASE expressions both engines index.
extension KeysetOrder {
    /// A priority column as its rank, most pressing first.
    static func priorityRank(_ column: String) -> String {
        "CASE \(column) " + Ticket.Priority.allCases.map { "WHEN '\($0.rawValue)' THEN \($0.rank)" }.joined(separator: " ") + " ELSE 99 END"
    }

    /// A severity column as its rank, most severe first.
    static func severityRank(_ column: String) -> String {
        "CASE \(column) " + Alert.Severity.allCases.map { "WHEN '\($0.rawValue)' THEN \($0.rank)" }.joined(separator: " ") + " ELSE 99 END"
    }

    /// Most pressing first, then oldest: the order a queue is worked in.
    static let tickets = KeysetOrder(
        list: "tickets", [(priorityRank("ticket.priority"), ascending: true), ("ticket.created_at", ascending: true), ("ticket.id", ascending: true)]
    )
    static let ticketKey: @Sendable (Ticket) -> [Value] = { [.int(Int64($0.priority.rank)), .date($0.createdAt), .text($0.id)] }

    /// Most severe first, then newest.
    static let alerts = KeysetOrder(
        list: "alerts", [(severityRank("alert.severity"), ascending: true), ("alert.created_at", ascending: false), ("alert.id", ascending: true)]
    )
    static let alertKey: @Sendable (Alert) -> [Value] = { [.int(Int64($0.severity.rank)), .date($0.createdAt), .text($0.id)] }

    static let assets = KeysetOrder(list: "assets", [("asset.name", ascending: true), ("asset.id", ascending: true)])
    static let contracts = KeysetOrder(list: "contracts", [("contract.ends_on", ascending: true), ("contract.id", ascending: true)])
    static let backups = KeysetOrder(list: "backups", [("backup_job.last_run_at", ascending: false), ("backup_job.id", ascending: true)])
    static let invoices = KeysetOrder(list: "invoices", [("invoice.issued_on", ascending: false), ("invoice.id", ascending: true)])
    static let changes = KeysetOrder(list: "changes", [("changed_at", ascending: false), ("kind", ascending: false), ("id", ascending: false)])
    static let ruleExecutions = KeysetOrder(
        list: "rule_executions", [("rule_execution.started_at", ascending: false), ("rule_execution.id", ascending: true)])
    /// A ticket's audit entries, newest first.
    static let ticketAudit = KeysetOrder(list: "audit", [("audit_log.seq", ascending: false)])
}
