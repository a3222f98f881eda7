import Foundation

/// A service request or incident raised by someone at a customer.
public struct Ticket: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case new
        case open
        case inProgress = "in_progress"
        case waitingOnCustomer = "waiting_on_customer"
        case resolved
        case closed

        /// Statuses that still need work; everything else is done.
        public static let openStatuses: [Status] = [.new, .open, .inProgress, .waitingOnCustomer]
        public var isOpen: Bool { Self.openStatuses.contains(self) }
    }

    public enum Priority: String, Codable, Sendable, CaseIterable {
        case urgent
        case high
        case normal
        case low

        /// Most pressing first: the order of `allCases`.
        public var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    public var tenantID: String
    public var id: String
    /// What people quote on the phone, e.g. `T-10234`; unique in the tenant.
    public var number: String
    public var companyID: String
    public var subject: String
    public var status: Status
    public var priority: Priority
    public var requesterEmail: String
    /// The technician working it, by email (see `ServiceDeskScope.assigneeKeys`); nil while unassigned.
    public var assignee: String?
    public var assetID: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        tenantID: String, id: String, number: String, companyID: String, subject: String, status: Status, priority: Priority,
        requesterEmail: String, assignee: String?, assetID: String?, createdAt: Date, updatedAt: Date
    ) {
        self.tenantID = tenantID
        self.id = id
        self.number = number
        self.companyID = companyID
        self.subject = subject
        self.status = status
        self.priority = priority
        self.requesterEmail = requesterEmail
        self.assignee = assignee
        self.assetID = assetID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, number, companyID = "company_id", subject, status, priority, requesterEmail = "requester_email"
        case assignee, assetID = "asset_id", createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// One entry of a ticket's thread: a reply the customer sees, or an internal note only the MSP sees.
public struct TicketNote: Codable, Sendable, Equatable {
    public enum Visibility: String, Codable, Sendable {
        /// A reply on the customer-visible thread.
        case `public`
        /// For the MSP's staff only: never shown to company users.
        case `internal`
    }

    public var tenantID: String
    public var id: String
    public var ticketID: String
    public var author: String
    public var visibility: Visibility
    public var body: String
    public var createdAt: Date

    public init(tenantID: String, id: String, ticketID: String, author: String, visibility: Visibility, body: String, createdAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.ticketID = ticketID
        self.author = author
        self.visibility = visibility
        self.body = body
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, ticketID = "ticket_id", author, visibility, body, createdAt = "created_at"
    }
}
