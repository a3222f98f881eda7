import Foundation

/// A bill sent to a customer.
public struct Invoice: Codable, Sendable, Equatable {
    /// What is stored. Overdue is not stored: it is an open invoice past its due date, decided when read.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case open
        case paid
        case void
    }

    public var tenantID: String
    public var id: String
    public var number: String
    public var companyID: String
    public var status: Status
    public var amountCents: Int64
    public var currency: String
    public var issuedOn: Date
    public var dueOn: Date
    public var paidOn: Date?

    public init(
        tenantID: String, id: String, number: String, companyID: String, status: Status, amountCents: Int64, currency: String, issuedOn: Date,
        dueOn: Date, paidOn: Date?
    ) {
        self.tenantID = tenantID
        self.id = id
        self.number = number
        self.companyID = companyID
        self.status = status
        self.amountCents = amountCents
        self.currency = currency
        self.issuedOn = issuedOn
        self.dueOn = dueOn
        self.paidOn = paidOn
    }

    public func isOverdue(asOf now: Date) -> Bool { status == .open && dueOn < now }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, number, companyID = "company_id", status, amountCents = "amount_cents", currency
        case issuedOn = "issued_on", dueOn = "due_on", paidOn = "paid_on"
    }
}
