import Foundation

extension PostgresServiceDeskStore {
    public func contracts(_ filter: ContractFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Contract> {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "contract")
        if let customer = filter.customerID { conditions.add("contract.company_id = ?", [customer]) }
        if let active = filter.activeAt { conditions.add("contract.ends_on >= ?", [active]) }
        if let end = filter.endingBefore { conditions.add("contract.ends_on <= ?", [end]) }
        let (items, next) = try await page(Contract.self, from: "contract", conditions, order: .contracts, page: request) { [.date($0.endsOn), .text($0.id)] }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func failingBackups(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<BackupJob> {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "backup_job")
        if let customerID { conditions.add("backup_job.company_id = ?", [customerID]) }
        conditions.add("backup_job.status = ? AND backup_job.last_run_at >= ?", [BackupJob.Status.failed.rawValue, since])
        let (items, next) = try await page(BackupJob.self, from: "backup_job", conditions, order: .backups, page: request) {
            [.date($0.lastRunAt), .text($0.id)]
        }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func invoices(_ filter: InvoiceFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Invoice> {
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
        let (items, next) = try await page(Invoice.self, from: "invoice", conditions, order: .invoices, page: request) { [.date($0.issuedOn), .text($0.id)] }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }
}
