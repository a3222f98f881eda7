import Foundation

/// What each list's filter asks of its rows, written once for both engines; they differ only where `SQLDialect`
/// says. The scope comes first in every list, so no filter can widen it.
extension SQLConditions {
    static func tickets(_ filter: TicketFilter, scope: ServiceDeskScope, dialect: SQLDialect) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "ticket")
        if let customer = filter.customerID { conditions.add("ticket.company_id = ?", [customer]) }
        if let priority = filter.priority { conditions.add("ticket.priority = ?", [priority.rawValue]) }
        if let assignees = filter.assignees {
            // An empty list matches nobody, never everybody.
            if assignees.isEmpty { conditions.add(dialect.never) } else { conditions.any(dialect.caseInsensitive("ticket.assignee"), in: assignees) }
        }
        // Written, not bound, so the open queue's partial indexes serve the lists (`SQLConditions.among`); a
        // narrower choice of open statuses names all of them too, since a partial index serves only a query
        // that carries its condition as written (without it, one status walked the whole queue's index).
        let statuses = Set(filter.statuses)
        if statuses != Set(Ticket.Status.allCases) { conditions.add(among("ticket.status", filter.statuses)) }
        if statuses.isStrictSubset(of: Ticket.Status.openStatuses) { conditions.add(openTickets) }
        return conditions
    }

    static func alerts(_ filter: AlertFilter, scope: ServiceDeskScope) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "alert")
        if let customer = filter.customerID { conditions.add("alert.company_id = ?", [customer]) }
        if let asset = filter.assetID { conditions.add("alert.asset_id = ?", [asset]) }
        if let severity = filter.severity { conditions.add("alert.severity = ?", [severity.rawValue]) }
        if Set(filter.statuses) != Set(Alert.Status.allCases) { conditions.any("alert.status", in: filter.statuses.map(\.rawValue)) }
        return conditions
    }

    static func assets(_ filter: AssetFilter, scope: ServiceDeskScope) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "asset")
        if let customer = filter.customerID { conditions.add("asset.company_id = ?", [customer]) }
        if let kind = filter.kind { conditions.add("asset.kind = ?", [kind.rawValue]) }
        if let status = filter.status { conditions.add("asset.status = ?", [status.rawValue]) }
        if let window = filter.warrantyEndsBetween {
            conditions.add("asset.warranty_ends_at >= ? AND asset.warranty_ends_at <= ?", [window.lowerBound, window.upperBound])
        }
        if let seen = filter.lastSeenBefore { conditions.add("(asset.last_seen_at IS NULL OR asset.last_seen_at < ?)", [seen]) }
        return conditions
    }

    static func contracts(_ filter: ContractFilter, scope: ServiceDeskScope) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "contract")
        if let customer = filter.customerID { conditions.add("contract.company_id = ?", [customer]) }
        if let active = filter.activeAt { conditions.add("contract.ends_on >= ?", [active]) }
        if let end = filter.endingBefore { conditions.add("contract.ends_on <= ?", [end]) }
        return conditions
    }

    static func failingBackups(since: Date, customerID: String?, scope: ServiceDeskScope) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "backup_job")
        if let customerID { conditions.add("backup_job.company_id = ?", [customerID]) }
        conditions.add("backup_job.status = ? AND backup_job.last_run_at >= ?", [BackupJob.Status.failed.rawValue, since])
        return conditions
    }

    static func invoices(_ filter: InvoiceFilter, scope: ServiceDeskScope) -> SQLConditions {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "invoice")
        if let customer = filter.customerID { conditions.add("invoice.company_id = ?", [customer]) }
        if let since = filter.issuedSince { conditions.add("invoice.issued_on >= ?", [since]) }
        switch filter.status {
        case nil: break
        case .open?: conditions.add("invoice.status = ? AND invoice.due_on >= ?", [Invoice.Status.open.rawValue, filter.asOf])
        case .overdue?: conditions.add("invoice.status = ? AND invoice.due_on < ?", [Invoice.Status.open.rawValue, filter.asOf])
        case .paid?: conditions.add("invoice.status = ?", [Invoice.Status.paid.rawValue])
        case .void?: conditions.add("invoice.status = ?", [Invoice.Status.void.rawValue])
        }
        return conditions
    }

    static func ruleExecutions(_ filter: RuleExecutionFilter, scope: ServiceDeskScope) -> SQLConditions {
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
        return conditions
    }
}

extension TicketFilter {
    /// The filter once per assignee it names (itself when it names one or none), for lists fetched apart and
    /// merged (`KeysetOrder.merged`): an index in the queue's order behind the assignee finds one person's
    /// tickets by a seek, but several people's only by walking everyone's, which grows with the desk.
    var perAssignee: [TicketFilter] {
        guard let assignees, Set(assignees).count > 1 else { return [self] }
        return Array(Set(assignees)).sorted().map { assignee in
            var filter = self
            filter.assignees = [assignee]
            return filter
        }
    }
}

extension SQLConditions {
    /// The snapshot's open tickets and open alerts, as their partial indexes name them (`SQLConditions.among`).
    static let openTickets = among("ticket.status", Ticket.Status.openStatuses)
    static let activeAlerts = among("alert.status", Alert.Status.activeStatuses)
}

/// Where the two engines' SQL differs in the lists' conditions.
enum SQLDialect {
    case sqlite, postgres

    /// A condition no row meets.
    var never: String {
        switch self {
        case .sqlite: "0"
        case .postgres: "FALSE"
        }
    }

    /// The column compared without regard to case (ASCII, as email addresses are compared).
    func caseInsensitive(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) COLLATE NOCASE"
        case .postgres: "lower(\(column))"
        }
    }
}
