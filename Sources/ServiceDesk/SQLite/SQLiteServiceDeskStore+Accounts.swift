import Foundation
import GRDB

extension SQLiteServiceDeskStore {

    public func contracts(_ filter: ContractFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Contract> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.contracts(filter, scope: scope)
            let (items, next): ([Contract], String?) = try page(
                db, select: "SELECT contract.* FROM contract", conditions: conditions, order: KeysetOrder.contracts, page: request
            ) { [.date($0.endsOn), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }

    public func failingBackups(since: Date, customerID: String?, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<BackupJob> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.failingBackups(since: since, customerID: customerID, scope: scope)
            let (items, next): ([BackupJob], String?) = try page(
                db, select: "SELECT backup_job.* FROM backup_job", conditions: conditions, order: KeysetOrder.backups, page: request
            ) { [.date($0.lastRunAt), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }

    public func invoices(_ filter: InvoiceFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Invoice> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.invoices(filter, scope: scope)
            let (items, next): ([Invoice], String?) = try page(
                db, select: "SELECT invoice.* FROM invoice", conditions: conditions, order: KeysetOrder.invoices, page: request
            ) { [.date($0.issuedOn), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }
}
