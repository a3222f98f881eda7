import Foundation

extension PostgresServiceDeskStore {
    public func contracts(_ filter: ContractFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Contract> {
        let conditions = SQLConditions.contracts(filter, scope: scope)
        let (items, next) = try await page(Contract.self, from: "contract", conditions, order: .contracts, page: request) { [.date($0.endsOn), .text($0.id)] }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func failingBackups(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<BackupJob> {
        let conditions = SQLConditions.failingBackups(since: since, customerID: customerID, scope: scope)
        let (items, next) = try await page(BackupJob.self, from: "backup_job", conditions, order: .backups, page: request) {
            [.date($0.lastRunAt), .text($0.id)]
        }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func invoices(_ filter: InvoiceFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Invoice> {
        let conditions = SQLConditions.invoices(filter, scope: scope)
        let (items, next) = try await page(Invoice.self, from: "invoice", conditions, order: .invoices, page: request) { [.date($0.issuedOn), .text($0.id)] }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }
}
