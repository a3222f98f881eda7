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
        return try await database.withConnection { connection in try await customerDetail(id, within: customer, asOf: now, on: connection) }
    }

    /// Its seven statements queued at once on one leased connection, which runs them in turn without waiting for this
    /// task between them: each needs only the id asked for, read within the caller's scope narrowed to it.
    public func statusSnapshot(
        customerID: String, asOf now: Date, failingSince: Date, contractsEndingBefore: Date, scope: ServiceDeskScope
    ) async throws -> CustomerSnapshot? {
        guard let customer = scope.narrowed(to: customerID) else { return nil }
        return try await database.withConnection { connection in
            let top = PageRequest(limit: 5)
            var ticketConditions = SQLConditions()
            ticketConditions.scope(customer, table: "ticket")
            ticketConditions.add(SQLConditions.openTickets)
            var alertConditions = SQLConditions()
            alertConditions.scope(customer, table: "alert")
            alertConditions.add(SQLConditions.activeAlerts)
            var backups = SQLConditions()
            backups.scope(customer, table: "backup_job")
            backups.add("backup_job.status = ? AND backup_job.last_run_at >= ?", [BackupJob.Status.failed.rawValue, failingSince])
            var contracts = SQLConditions()
            contracts.scope(customer, table: "contract")
            contracts.add("contract.ends_on >= ? AND contract.ends_on <= ?", [now, contractsEndingBefore])

            async let detail = customerDetail(customerID, within: customer, asOf: now, on: connection)
            async let tickets = page(Ticket.self, from: "ticket", ticketConditions, order: .tickets, page: top, on: connection, key: KeysetOrder.ticketKey)
            async let alerts = page(Alert.self, from: "alert", alertConditions, order: .alerts, page: top, on: connection, key: KeysetOrder.alertKey)
            async let failing = fetch(BackupJob.self, from: "backup_job", backups, "ORDER BY last_run_at DESC, id", on: connection)
            async let ending = fetch(Contract.self, from: "contract", contracts, "ORDER BY ends_on, id", on: connection)
            let all = try await (detail, tickets, alerts, failing, ending)
            guard let found = all.0 else { return nil }
            return CustomerSnapshot(detail: found, topOpenTickets: all.1.items, topOpenAlerts: all.2.items, failingBackups: all.3, expiringContracts: all.4)
        }
    }

    /// The company and its rollup in one statement (the rollup needs only the id asked for, not the row), its contacts
    /// and its sites, queued at once on the connection; `customer` is the caller's scope narrowed to the customer.
    private func customerDetail(
        _ id: String, within customer: ServiceDeskScope, asOf now: Date, on connection: PostgresConnection
    ) async throws -> CustomerDetail? {
        let tenantID = customer.tenantID
        var conditions = SQLConditions()
        conditions.scope(customer, table: "company", companyColumn: "id")
        let statement = PostgresQuery(
            sql: """
                SELECT company.*, rollup.* FROM company
                CROSS JOIN (\(CustomerRollupQuery.sql)) AS rollup (rollup_open_tickets, rollup_open_alerts, rollup_active_assets,
                    rollup_active_contracts, rollup_contract_value, rollup_next_end)
                \(conditions.sql)
                """,
            CustomerRollupQuery.values(tenantID: tenantID, companyID: id, asOf: now) + conditions.values)
        var ofCompany = SQLConditions()
        ofCompany.add("tenant_id = ? AND company_id = ?", [tenantID, id])
        async let rows = database.preparedRows(statement, on: connection)
        async let contacts = fetch(CompanyContact.self, from: "company_contact", ofCompany, "ORDER BY is_primary DESC, name, id", on: connection)
        async let sites = fetch(CompanySite.self, from: "company_site", ofCompany, "ORDER BY name, id", on: connection)
        let all = try await (rows, contacts, sites)
        guard let row = all.0.first?.makeRandomAccess() else { return nil }
        let rollup = CustomerRollup(
            openTickets: try row["rollup_open_tickets"].decode(Int.self), openAlerts: try row["rollup_open_alerts"].decode(Int.self),
            activeAssets: try row["rollup_active_assets"].decode(Int.self), activeContracts: try row["rollup_active_contracts"].decode(Int.self),
            activeContractValueCents: try row["rollup_contract_value"].decode(Int64.self),
            nextContractEnd: try row["rollup_next_end"].decode(PostgresInstant?.self)?.date)
        return CustomerDetail(company: try PostgresRowDecoder.decode(Company.self, from: row), contacts: all.1, sites: all.2, rollup: rollup)
    }
}
