import Foundation
import Shared
import ToolKit

/// list_customers, get_customer and get_customer_status_snapshot.
extension ServiceDeskTools {
    var customerTools: [Tool] { [listCustomers, getCustomer, customerStatusSnapshot] }

    static let customerNotFoundHint = "Call list_customers or search_global to find customer ids."

    var listCustomers: Tool {
        Tool(
            name: "list_customers", title: "List customers",
            description: """
                Lists the MSP's customers (companies) with their status and monthly recurring revenue (MRR), sorted by name. \
                Use it to find a customer's id (cus_…) by part of its name, or to see which customers are onboarding, suspended \
                or churned. For one customer's full picture call get_customer_status_snapshot. A company user sees only their own company.
                """,
            inputSchema: ToolSchema.object([
                "name": ToolSchema.string("Part of the customer's name, any case, e.g. \"dental\".", maxLength: 100),
                "status": ToolSchema.choice(Company.Status.allCases.map(\.rawValue), "Only customers in this status."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("customers", of: Self.customerSchema),
            module: .customers, requiredScopes: ["customers:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let page = try await store.customers(
                    CustomerFilter(nameContains: arguments.string("name"), status: arguments.choice("status")), page: arguments.page, scope: scope
                )
                return ToolListing.output(
                    key: "customers", items: page.items.map(Self.customerJSON), lines: page.items.map(Self.customerLine), nextCursor: page.nextCursor,
                    empty: "No customers match.", heading: "Customers:"
                )
            }
        }
    }

    var getCustomer: Tool {
        Tool(
            name: "get_customer", title: "Get a customer",
            description: """
                Returns one customer's record: status, MRR, domain and phone, its contacts (primary first) and sites, and rollups: \
                open tickets, open alerts, active devices and active contracts (count, total value, next end date). Use it for who \
                to call and where they are; use get_customer_status_snapshot for what needs attention now.
                """,
            inputSchema: ToolSchema.object(["customer_id": ToolSchema.id("The customer's id (cus_…).")], required: ["customer_id"]),
            outputSchema: Self.customerDetailSchema,
            module: .customers, requiredScopes: ["customers:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("customer_id")!
                guard let detail = try await store.customer(id: id, asOf: now(), scope: scope) else {
                    throw Self.notFound("customer", id, hint: Self.customerNotFoundHint)
                }
                let rollup = detail.rollup
                let company = detail.company
                var lines = [
                    Self.customerLine(company),
                    "Open tickets: \(rollup.openTickets); open alerts: \(rollup.openAlerts); active devices: \(rollup.activeAssets).",
                    "Active contracts: \(rollup.activeContracts), worth \(ToolMoney.text(rollup.activeContractValueCents, company.currency))"
                        + (rollup.nextContractEnd.map { ", next ending \(ToolDates.day($0))." } ?? "."),
                ]
                lines += detail.contacts.map { "Contact: \($0.name)\($0.title.map { ", \($0)" } ?? "") <\($0.email)>\($0.phone.map { " \($0)" } ?? "")\($0.isPrimary ? " (primary)" : "")" }
                lines += detail.sites.map { "Site: \($0.name), \($0.address), \($0.city) (\($0.id))" }
                return ToolOutput(structured: Self.customerDetailJSON(detail), text: lines.joined(separator: "\n"))
            }
        }
    }

    var customerStatusSnapshot: Tool {
        Tool(
            name: "get_customer_status_snapshot", title: "Customer status snapshot",
            description: """
                The grounding call before discussing or acting for a customer: who they are (status, MRR, primary contact), \
                how many tickets are open with the 5 most pressing, how many alerts are open with the 5 most severe, backup jobs \
                that failed in the last 7 days, and contracts ending within the next 60 days. One call instead of five.
                """,
            inputSchema: ToolSchema.object(["customer_id": ToolSchema.id("The customer's id (cus_…).")], required: ["customer_id"]),
            outputSchema: Self.snapshotSchema,
            module: .customers, requiredScopes: ["customers:read", "tickets:read", "alerts:read", "assets:read", "contracts:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let id = arguments.string("customer_id")!
                let asOf = now()
                guard let snapshot = try await store.statusSnapshot(
                    customerID: id, asOf: asOf, failingSince: asOf.addingTimeInterval(-7 * 86_400),
                    contractsEndingBefore: asOf.addingTimeInterval(60 * 86_400), scope: scope
                ) else {
                    throw Self.notFound("customer", id, hint: Self.customerNotFoundHint)
                }
                return Self.snapshotOutput(snapshot, asOf: asOf)
            }
        }
    }

    // MARK: records

    static let customerProperties: [String: JSONValue] = [
        "id": ToolSchema.text, "name": ToolSchema.text, "status": ToolSchema.textChoice(Company.Status.allCases.map(\.rawValue)),
        "mrr": ToolSchema.number, "currency": ToolSchema.text, "domain": ToolSchema.text, "phone": ToolSchema.text, "created_at": ToolSchema.dateTime,
    ]
    static let customerRequired = ["id", "name", "status", "mrr", "currency", "domain", "created_at"]
    static let customerSchema = ToolSchema.record(customerProperties, required: customerRequired)

    static func customerJSON(_ company: Company) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(company.id), "name": .string(company.name), "status": .string(company.status.rawValue), "mrr": ToolMoney.amount(company.mrrCents),
            "currency": .string(company.currency), "domain": .string(company.domain), "created_at": .string(ToolDates.instant(company.createdAt)),
        ]
        object["phone"] = company.phone.map(JSONValue.string)
        return .object(object)
    }

    static func customerLine(_ company: Company) -> String {
        "\(company.name) (\(company.id)): \(company.status.rawValue), MRR \(ToolMoney.text(company.mrrCents, company.currency)), \(company.domain)"
    }

    static let contactSchema = ToolSchema.record(
        ["id": ToolSchema.text, "name": ToolSchema.text, "email": ToolSchema.text, "phone": ToolSchema.text, "title": ToolSchema.text, "is_primary": ToolSchema.boolean],
        required: ["id", "name", "email", "is_primary"]
    )

    static func contactJSON(_ contact: CompanyContact) -> JSONValue {
        var object: [String: JSONValue] = ["id": .string(contact.id), "name": .string(contact.name), "email": .string(contact.email), "is_primary": .bool(contact.isPrimary)]
        object["phone"] = contact.phone.map(JSONValue.string)
        object["title"] = contact.title.map(JSONValue.string)
        return .object(object)
    }

    static let siteSchema = ToolSchema.record(
        ["id": ToolSchema.text, "name": ToolSchema.text, "address": ToolSchema.text, "city": ToolSchema.text, "country": ToolSchema.text],
        required: ["id", "name", "address", "city", "country"]
    )

    static func siteJSON(_ site: CompanySite) -> JSONValue {
        ["id": .string(site.id), "name": .string(site.name), "address": .string(site.address), "city": .string(site.city), "country": .string(site.country)]
    }

    static let rollupSchema = ToolSchema.record(
        [
            "open_tickets": ToolSchema.integer, "open_alerts": ToolSchema.integer, "active_devices": ToolSchema.integer,
            "active_contracts": ToolSchema.integer, "active_contract_value": ToolSchema.number, "next_contract_end": ToolSchema.date,
        ],
        required: ["open_tickets", "open_alerts", "active_devices", "active_contracts", "active_contract_value"]
    )

    static var customerDetailSchema: JSONValue {
        var properties = customerProperties
        properties["contacts"] = ["type": "array", "items": contactSchema]
        properties["sites"] = ["type": "array", "items": siteSchema]
        properties["rollup"] = rollupSchema
        return ToolSchema.record(properties, required: customerRequired + ["contacts", "sites", "rollup"])
    }

    static func customerDetailJSON(_ detail: CustomerDetail) -> JSONValue {
        guard case .object(var object) = customerJSON(detail.company) else { return .null }
        object["contacts"] = .array(detail.contacts.map(contactJSON))
        object["sites"] = .array(detail.sites.map(siteJSON))
        var rollup: [String: JSONValue] = [
            "open_tickets": .int(Int64(detail.rollup.openTickets)), "open_alerts": .int(Int64(detail.rollup.openAlerts)),
            "active_devices": .int(Int64(detail.rollup.activeAssets)), "active_contracts": .int(Int64(detail.rollup.activeContracts)),
            "active_contract_value": ToolMoney.amount(detail.rollup.activeContractValueCents),
        ]
        rollup["next_contract_end"] = detail.rollup.nextContractEnd.map { .string(ToolDates.day($0)) }
        object["rollup"] = .object(rollup)
        return .object(object)
    }

    // MARK: snapshot

    static var snapshotSchema: JSONValue {
        var identity = customerProperties
        identity["primary_contact"] = contactSchema
        return ToolSchema.record(
            [
                "customer": ToolSchema.record(identity, required: customerRequired),
                "open_tickets": ToolSchema.record(["count": ToolSchema.integer, "top": ["type": "array", "items": ticketSchema]], required: ["count", "top"]),
                "open_alerts": ToolSchema.record(["count": ToolSchema.integer, "top": ["type": "array", "items": alertSchema]], required: ["count", "top"]),
                "failing_backups": ["type": "array", "items": backupSchema],
                "expiring_contracts": ["type": "array", "items": contractSchema],
                "as_of": ToolSchema.dateTime,
            ],
            required: ["customer", "open_tickets", "open_alerts", "failing_backups", "expiring_contracts", "as_of"]
        )
    }

    static func snapshotOutput(_ snapshot: CustomerSnapshot, asOf now: Date) -> ToolOutput {
        let detail = snapshot.detail
        let company = detail.company
        let names = [company.id: company.name]
        guard case .object(var identity) = customerJSON(company) else { return ToolOutput(structured: .null, text: "") }
        let primary = detail.contacts.first(where: \.isPrimary)
        identity["primary_contact"] = primary.map(contactJSON)
        let structured: JSONValue = [
            "customer": .object(identity),
            "open_tickets": ["count": .int(Int64(detail.rollup.openTickets)), "top": .array(snapshot.topOpenTickets.map { ticketJSON($0, names) })],
            "open_alerts": ["count": .int(Int64(detail.rollup.openAlerts)), "top": .array(snapshot.topOpenAlerts.map { alertJSON($0, names) })],
            "failing_backups": .array(snapshot.failingBackups.map { backupJSON($0, names) }),
            "expiring_contracts": .array(snapshot.expiringContracts.map { contractJSON($0, names, asOf: now) }),
            "as_of": .string(ToolDates.instant(now)),
        ]
        var lines = [Self.customerLine(company)]
        if let primary { lines.append("Primary contact: \(primary.name) <\(primary.email)>\(primary.phone.map { " \($0)" } ?? "")") }
        lines.append("Open tickets: \(detail.rollup.openTickets)" + (snapshot.topOpenTickets.isEmpty ? "." : ", most pressing:"))
        lines += snapshot.topOpenTickets.map { "  - " + ticketLine($0, names) }
        lines.append("Open alerts: \(detail.rollup.openAlerts)" + (snapshot.topOpenAlerts.isEmpty ? "." : ", most severe:"))
        lines += snapshot.topOpenAlerts.map { "  - " + alertLine($0, names) }
        lines.append("Backups failed in the last 7 days: \(snapshot.failingBackups.count)" + (snapshot.failingBackups.isEmpty ? "." : ":"))
        lines += snapshot.failingBackups.map { "  - " + backupLine($0, names) }
        lines.append("Contracts ending within 60 days: \(snapshot.expiringContracts.count)" + (snapshot.expiringContracts.isEmpty ? "." : ":"))
        lines += snapshot.expiringContracts.map { "  - " + contractLine($0, names, asOf: now) }
        return ToolOutput(structured: structured, text: lines.joined(separator: "\n"))
    }
}
