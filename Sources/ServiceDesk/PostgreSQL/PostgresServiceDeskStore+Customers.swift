import Foundation
import PostgresNIO
import Shared

extension PostgresServiceDeskStore {
    /// By name in any case (ASCII letters folded, as SQLite's NOCASE folds them), then id.
    static let customerOrder = KeysetOrder(list: "customers", [("lower(company.name)", ascending: true), ("company.id", ascending: true)])

    public func customers(_ filter: CustomerFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Company> {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "company", companyColumn: "id")
        if let status = filter.status { conditions.add("company.status = ?", [status.rawValue]) }
        if let name = filter.nameContains?.trimmingCharacters(in: .whitespaces), !name.isEmpty {
            conditions.add("company.name ILIKE ? ESCAPE '\\'", [FullTextQuery.likePattern(name)])
        }
        let (items, next) = try await page(Company.self, from: "company", conditions, order: Self.customerOrder, page: request) {
            [.text(Self.asciiLowercased($0.name)), .text($0.id)]
        }
        return Page(items: items, nextCursor: next, customerNames: Dictionary(items.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }))
    }

    /// What `lower()` makes of a name in the "C" collation: ASCII letters folded, nothing else.
    static func asciiLowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    public func customer(id: String, asOf now: Date, scope: ServiceDeskScope) async throws -> CustomerDetail? {
        guard let customer = scope.narrowed(to: id) else { return nil }
        var columns = PostgresJSONColumns()
        customerDetail(id, within: customer, asOf: now, into: &columns)
        return try customerDetail(of: try await columns.read(on: database))
    }

    /// One statement (`PostgresJSONColumns`): the customer's detail and its four lists, each read within the caller's
    /// scope narrowed to the customer.
    public func statusSnapshot(
        customerID: String, asOf now: Date, failingSince: Date, contractsEndingBefore: Date, scope: ServiceDeskScope
    ) async throws -> CustomerSnapshot? {
        guard let customer = scope.narrowed(to: customerID) else { return nil }
        var columns = PostgresJSONColumns()
        customerDetail(customerID, within: customer, asOf: now, into: &columns)
        var tickets = SQLConditions()
        tickets.scope(customer, table: "ticket")
        tickets.add(SQLConditions.openTickets)
        columns.rows("tickets", of: "ticket", tickets, KeysetOrder.tickets.orderBy, limit: CustomerSnapshot.topLimit)
        var alerts = SQLConditions()
        alerts.scope(customer, table: "alert")
        alerts.add(SQLConditions.activeAlerts)
        columns.rows("alerts", of: "alert", alerts, KeysetOrder.alerts.orderBy, limit: CustomerSnapshot.topLimit)
        var backups = SQLConditions()
        backups.scope(customer, table: "backup_job")
        backups.add("backup_job.status = ? AND backup_job.last_run_at >= ?", [BackupJob.Status.failed.rawValue, failingSince])
        columns.rows("backups", of: "backup_job", backups, "ORDER BY last_run_at DESC, id")
        var contracts = SQLConditions()
        contracts.scope(customer, table: "contract")
        contracts.add("contract.ends_on >= ? AND contract.ends_on <= ?", [now, contractsEndingBefore])
        columns.rows("contracts", of: "contract", contracts, "ORDER BY ends_on, id")

        let row = try await columns.read(on: database)
        guard let detail = try customerDetail(of: row) else { return nil }
        return CustomerSnapshot(
            detail: detail, topOpenTickets: try row.list("tickets"), topOpenAlerts: try row.list("alerts"), failingBackups: try row.list("backups"),
            expiringContracts: try row.list("contracts"))
    }

    /// The company with its rollup (which needs only the id asked for, not the row), its contacts and its sites, as
    /// columns of a read; `customer` is the caller's scope narrowed to the customer.
    private func customerDetail(_ id: String, within customer: ServiceDeskScope, asOf now: Date, into columns: inout PostgresJSONColumns) {
        var company = SQLConditions()
        company.scope(customer, table: "company", companyColumn: "id")
        columns.row(
            "company",
            """
            SELECT company.*, rollup.* FROM company
            CROSS JOIN (\(CustomerRollupQuery.sql)) AS rollup (rollup_open_tickets, rollup_open_alerts, rollup_active_assets,
                rollup_active_contracts, rollup_contract_value, rollup_next_end)
            \(company.sql)
            """,
            CustomerRollupQuery.values(tenantID: customer.tenantID, companyID: id, asOf: now) + company.values)
        var ofCompany = SQLConditions()
        ofCompany.add("tenant_id = ? AND company_id = ?", [customer.tenantID, id])
        columns.rows("contacts", of: "company_contact", ofCompany, "ORDER BY is_primary DESC, name, id")
        columns.rows("sites", of: "company_site", ofCompany, "ORDER BY name, id")
    }

    /// The detail `customerDetail(_:within:asOf:into:)` read; nil when the company is not there for the caller.
    private func customerDetail(of row: PostgresJSONColumns.Row) throws -> CustomerDetail? {
        guard let company = try row.value(CompanyWithRollup.self, "company") else { return nil }
        return CustomerDetail(company: company.company, contacts: try row.list("contacts"), sites: try row.list("sites"), rollup: company.rollup)
    }
}

/// A company's row with its rollup's columns beside it, as `customerDetail` reads them.
private struct CompanyWithRollup: Decodable {
    let company: Company
    let rollup: CustomerRollup

    enum CodingKeys: String, CodingKey {
        case openTickets = "rollup_open_tickets", openAlerts = "rollup_open_alerts", activeAssets = "rollup_active_assets"
        case activeContracts = "rollup_active_contracts", contractValue = "rollup_contract_value", nextEnd = "rollup_next_end"
    }

    init(from decoder: any Decoder) throws {
        company = try Company(from: decoder)
        let columns = try decoder.container(keyedBy: CodingKeys.self)
        rollup = CustomerRollup(
            openTickets: try columns.decode(Int.self, forKey: .openTickets), openAlerts: try columns.decode(Int.self, forKey: .openAlerts),
            activeAssets: try columns.decode(Int.self, forKey: .activeAssets), activeContracts: try columns.decode(Int.self, forKey: .activeContracts),
            activeContractValueCents: try columns.decode(Int64.self, forKey: .contractValue),
            nextContractEnd: try columns.decodeIfPresent(Date.self, forKey: .nextEnd))
    }
}
