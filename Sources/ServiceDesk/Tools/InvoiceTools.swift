import Foundation
import Shared
import ToolKit

/// list_invoices.
extension ServiceDeskTools {
    var invoiceTools: [Tool] { [listInvoices] }

    var listInvoices: Tool {
        Tool(
            name: "list_invoices", title: "List invoices",
            description: """
                Lists invoices sent to customers, newest first, with amount, due date and payment date. Status overdue means \
                open and past its due date; open means not yet due. Filter by customer, status or issue date.
                """,
            inputSchema: ToolSchema.object([
                "customer_id": ToolSchema.customerID,
                "status": ToolSchema.choice(InvoiceFilter.Status.allCases.map(\.rawValue), "Only invoices in this status."),
                "since": ToolSchema.instant("Only invoices issued at or after this instant."),
                "limit": ToolSchema.limit, "cursor": ToolSchema.cursor,
            ]),
            outputSchema: ToolSchema.list("invoices", of: Self.invoiceSchema),
            module: .billing, requiredScopes: ["billing:read"], kind: .read
        ) { invocation in
            try await read(invocation) { arguments, scope in
                let asOf = now()
                let filter = InvoiceFilter(
                    customerID: arguments.string("customer_id"), status: arguments.choice("status"), issuedSince: try arguments.instant("since"), asOf: asOf
                )
                let page = try await store.invoices(filter, page: arguments.page, scope: scope)
                return ToolListing.output(
                    key: "invoices", items: page.items.map { Self.invoiceJSON($0, page.customerNames, asOf: asOf) },
                    lines: page.items.map { Self.invoiceLine($0, page.customerNames, asOf: asOf) }, nextCursor: page.nextCursor,
                    empty: "No invoices match.", heading: "Invoices, newest first:"
                )
            }
        }
    }

    static let invoiceSchema = ToolSchema.record(
        [
            "id": ToolSchema.text, "number": ToolSchema.text, "customer_id": ToolSchema.text, "customer_name": ToolSchema.text,
            "status": ToolSchema.textChoice(InvoiceFilter.Status.allCases.map(\.rawValue)), "amount": ToolSchema.number, "currency": ToolSchema.text,
            "issued_on": ToolSchema.date, "due_on": ToolSchema.date, "paid_on": ToolSchema.date,
        ],
        required: ["id", "number", "customer_id", "status", "amount", "currency", "issued_on", "due_on"]
    )

    /// What the reader sees: overdue is decided now, not stored.
    static func invoiceStatus(_ invoice: Invoice, asOf now: Date) -> InvoiceFilter.Status {
        switch invoice.status {
        case .open: invoice.isOverdue(asOf: now) ? .overdue : .open
        case .paid: .paid
        case .void: .void
        }
    }

    static func invoiceJSON(_ invoice: Invoice, _ names: [String: String], asOf now: Date) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(invoice.id), "number": .string(invoice.number), "customer_id": .string(invoice.companyID),
            "status": .string(invoiceStatus(invoice, asOf: now).rawValue), "amount": ToolMoney.amount(invoice.amountCents),
            "currency": .string(invoice.currency), "issued_on": .string(ToolDates.day(invoice.issuedOn)), "due_on": .string(ToolDates.day(invoice.dueOn)),
        ]
        object["customer_name"] = names[invoice.companyID].map(JSONValue.string)
        object["paid_on"] = invoice.paidOn.map { .string(ToolDates.day($0)) }
        return .object(object)
    }

    static func invoiceLine(_ invoice: Invoice, _ names: [String: String], asOf now: Date) -> String {
        "\(invoice.number) \(names[invoice.companyID] ?? invoice.companyID): \(ToolMoney.text(invoice.amountCents, invoice.currency)), "
            + "\(invoiceStatus(invoice, asOf: now).rawValue); issued \(ToolDates.day(invoice.issuedOn)), due \(ToolDates.day(invoice.dueOn))"
            + "\(invoice.paidOn.map { ", paid \(ToolDates.day($0))" } ?? ""); id \(invoice.id)"
    }
}
