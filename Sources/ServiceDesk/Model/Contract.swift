import Foundation

/// A managed-service agreement with a customer.
public struct Contract: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var companyID: String
    public var name: String
    public var startsOn: Date
    public var endsOn: Date
    /// The value over the whole term, in cents of `currency`.
    public var valueCents: Int64
    public var currency: String

    public init(tenantID: String, id: String, companyID: String, name: String, startsOn: Date, endsOn: Date, valueCents: Int64, currency: String) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.name = name
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.valueCents = valueCents
        self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", name, startsOn = "starts_on", endsOn = "ends_on", valueCents = "value_cents"
        case currency
    }
}
