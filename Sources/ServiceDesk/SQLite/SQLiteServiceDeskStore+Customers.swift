import Foundation
import GRDB
import Shared

extension SQLiteServiceDeskStore {
    static let customerOrder = KeysetOrder(list: "customers", [("company.name COLLATE NOCASE", ascending: true), ("company.id", ascending: true)])

    public func customers(_ filter: CustomerFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Company> {
        try await database.isolatedRead { db in
            var conditions = SQLConditions()
            conditions.scope(scope, table: "company", companyColumn: "id")
            if let status = filter.status { conditions.add("company.status = ?", [status.rawValue]) }
            if let name = filter.nameContains?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
                conditions.add("company.name LIKE ? ESCAPE '\\'", [FullTextQuery.likePattern(name)])
            }
            let (items, next): ([Company], String?) = try page(
                db, select: "SELECT company.* FROM company", conditions: conditions, order: Self.customerOrder, page: request
            ) { [.text($0.name), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: Dictionary(items.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
        }
    }

    public func customer(id: String, asOf now: Date, scope: ServiceDeskScope) async throws -> CustomerDetail? {
        try await database.isolatedRead { db in try customerDetail(db, id: id, asOf: now, scope: scope) }
    }

    public func statusSnapshot(
        customerID: String, asOf now: Date, failingSince: Date, contractsEndingBefore: Date, scope: ServiceDeskScope
    ) async throws -> CustomerSnapshot? {
        try await database.isolatedRead { db in
            guard let detail = try customerDetail(db, id: customerID, asOf: now, scope: scope) else { return nil }
            let customer = ServiceDeskScope(tenantID: scope.tenantID, companyID: detail.company.id)
            let top = PageRequest(limit: CustomerSnapshot.topLimit)

            var ticketConditions = SQLConditions()
            ticketConditions.scope(customer, table: "ticket")
            ticketConditions.add(SQLConditions.openTickets)
            let tickets: ([Ticket], String?) = try page(
                db, select: "SELECT ticket.* FROM ticket", conditions: ticketConditions, order: KeysetOrder.tickets, page: top, keyValues: KeysetOrder.ticketKey
            )

            var alertConditions = SQLConditions()
            alertConditions.scope(customer, table: "alert")
            alertConditions.add(SQLConditions.activeAlerts)
            let alerts: ([Alert], String?) = try page(
                db, select: "SELECT alert.* FROM alert", conditions: alertConditions, order: KeysetOrder.alerts, page: top, keyValues: KeysetOrder.alertKey
            )

            let backups = try BackupJob.fetchAll(db.cachedStatement(sql: "SELECT * FROM backup_job WHERE tenant_id = ? AND company_id = ? AND status = ? AND last_run_at >= ? ORDER BY last_run_at DESC, id"),
                arguments: [scope.tenantID, detail.company.id, BackupJob.Status.failed.rawValue, UTCTimestamp.stored(failingSince)]
            )
            let contracts = try Contract.fetchAll(db.cachedStatement(sql: "SELECT * FROM contract WHERE tenant_id = ? AND company_id = ? AND ends_on >= ? AND ends_on <= ? ORDER BY ends_on, id"),
                arguments: [scope.tenantID, detail.company.id, UTCTimestamp.stored(now), UTCTimestamp.stored(contractsEndingBefore)]
            )
            return CustomerSnapshot(
                detail: detail, topOpenTickets: tickets.0, topOpenAlerts: alerts.0, failingBackups: backups, expiringContracts: contracts
            )
        }
    }

    private func customerDetail(_ db: Database, id: String, asOf now: Date, scope: ServiceDeskScope) throws -> CustomerDetail? {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "company", companyColumn: "id")
        conditions.add("company.id = ?", [id])
        guard let company = try Company.fetchOne(db.cachedStatement(sql: "SELECT * FROM company \(conditions.sql)"), arguments: conditions.arguments) else {
            return nil
        }
        let key: StatementArguments = [company.tenantID, company.id]
        let contacts = try CompanyContact.fetchAll(db.cachedStatement(sql: "SELECT * FROM company_contact WHERE tenant_id = ? AND company_id = ? ORDER BY is_primary DESC, name, id"), arguments: key
        )
        let sites = try CompanySite.fetchAll(db.cachedStatement(sql: "SELECT * FROM company_site WHERE tenant_id = ? AND company_id = ? ORDER BY name, id"), arguments: key)

        let figures = try Row.fetchOne(
            db.cachedStatement(sql: CustomerRollupQuery.sql),
            arguments: StatementArguments(CustomerRollupQuery.values(tenantID: company.tenantID, companyID: company.id, asOf: now).map(\.databaseValue))
        )!
        let rollup = CustomerRollup(
            openTickets: figures[0], openAlerts: figures[1], activeAssets: figures[2], activeContracts: figures[3],
            activeContractValueCents: figures[4], nextContractEnd: figures[5]
        )
        return CustomerDetail(company: company, contacts: contacts, sites: sites, rollup: rollup)
    }
}
