import Foundation

/// A customer of the MSP: the company whose tickets, devices, contracts and invoices the desk keeps.
public struct Company: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case active
        case onboarding
        case suspended
        case churned
    }

    public var tenantID: String
    public var id: String
    public var name: String
    public var status: Status
    /// Monthly recurring revenue in cents of `currency`.
    public var mrrCents: Int64
    public var currency: String
    public var domain: String
    public var phone: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        tenantID: String, id: String, name: String, status: Status, mrrCents: Int64, currency: String, domain: String, phone: String?,
        createdAt: Date, updatedAt: Date
    ) {
        self.tenantID = tenantID
        self.id = id
        self.name = name
        self.status = status
        self.mrrCents = mrrCents
        self.currency = currency
        self.domain = domain
        self.phone = phone
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, name, status, mrrCents = "mrr_cents", currency, domain, phone
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// A person at a customer the desk talks to.
public struct CompanyContact: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var companyID: String
    public var name: String
    public var email: String
    public var phone: String?
    public var title: String?
    /// The first person to call: exactly one per company in the demo data.
    public var isPrimary: Bool

    public init(tenantID: String, id: String, companyID: String, name: String, email: String, phone: String?, title: String?, isPrimary: Bool) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.name = name
        self.email = email
        self.phone = phone
        self.title = title
        self.isPrimary = isPrimary
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", name, email, phone, title, isPrimary = "is_primary"
    }
}

/// An office or other location of a customer; devices belong to one.
public struct CompanySite: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var companyID: String
    public var name: String
    public var address: String
    public var city: String
    public var country: String

    public init(tenantID: String, id: String, companyID: String, name: String, address: String, city: String, country: String) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.name = name
        self.address = address
        self.city = city
        self.country = country
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", name, address, city, country
    }
}
