import Foundation
import Shared
import ToolKit

/// list_contracts.
extension ServiceDeskTools {
    var contractTools: [Tool] { [listContracts] }

    var listContracts: Tool {
        Tool(
            name: "list_contracts", title: "List contracts",
            description: """
                Lists managed-service contracts (agreements and add-ons) with their term and value, soonest ending first. By \
                default only contracts still running; set expiring_within_days (e.g. 60) to see renewals coming up, or \
                include_ended to see past ones too.
                """,
            inputSchema: ToolSchema.object([
                "customer_id": ToolSchema.customerID,
                "expiring_within_days": ToolSchema.days("Only contracts ending between now and this many days from now."),
                "include_ended": ["type": "boolean", "default": false, "description": "Also list contracts that have already ended."],
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("contracts", of: Self.contractSchema),
            module: .contracts, requiredScopes: ["contracts:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let asOf = now()
                let within = arguments.integer("expiring_within_days")
                let filter = ContractFilter(
                    customerID: arguments.string("customer_id"), endingBefore: within.map { asOf.addingTimeInterval(Double($0) * 86_400) },
                    activeAt: within != nil || arguments.bool("include_ended") != true ? asOf : nil
                )
                let page = try await store.contracts(filter, page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "contracts", items: page.items.map { Self.contractJSON($0, page.customerNames, asOf: asOf) },
                    lines: page.items.map { Self.contractLine($0, page.customerNames, asOf: asOf) }, nextCursor: page.nextCursor,
                    empty: "No contracts match.", heading: "Contracts, soonest ending first:"
                )
            }
        }
    }

    static let contractSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "name": ToolSchema.text, "customer_id": ToolSchema.text, "customer_name": ToolSchema.text, "starts_on": ToolSchema.date,
            "ends_on": ToolSchema.date, "value": ToolSchema.number, "currency": ToolSchema.text, "days_until_end": ToolSchema.integer,
        ],
        required: ["id", "name", "customer_id", "starts_on", "ends_on", "value", "currency", "days_until_end"]
    )

    static func daysUntil(_ date: Date, from now: Date) -> Int { Int((date.timeIntervalSince(now) / 86_400).rounded(.up)) }

    static func contractJSON(_ contract: Contract, _ names: [String: String], asOf now: Date) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(contract.id), "name": .string(contract.name), "customer_id": .string(contract.companyID),
            "starts_on": .string(ToolDates.day(contract.startsOn)), "ends_on": .string(ToolDates.day(contract.endsOn)),
            "value": ToolMoney.amount(contract.valueCents), "currency": .string(contract.currency),
            "days_until_end": .int(Int64(daysUntil(contract.endsOn, from: now))),
        ]
        object["customer_name"] = names[contract.companyID].map(JSONValue.string)
        return .object(object)
    }

    static func contractLine(_ contract: Contract, _ names: [String: String], asOf now: Date) -> String {
        let days = daysUntil(contract.endsOn, from: now)
        return "\(contract.name); \(names[contract.companyID] ?? contract.companyID); \(ToolDates.day(contract.startsOn)) to \(ToolDates.day(contract.endsOn)) "
            + "(\(days >= 0 ? "ends in \(days) days" : "ended \(-days) days ago")); worth \(ToolMoney.text(contract.valueCents, contract.currency)); id \(contract.id)"
    }
}
