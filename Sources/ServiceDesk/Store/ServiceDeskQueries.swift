import Foundation
import ToolKit

/// How much of a list to return and where to continue. The cursor is opaque: a value an earlier page
/// returned as `nextCursor`.
public struct PageRequest: Sendable, Equatable {
    public var limit: Int
    public var cursor: String?

    public init(limit: Int, cursor: String? = nil) {
        self.limit = limit
        self.cursor = cursor
    }
}

/// One page of a list, with the names of the customers its items belong to, so a reader sees who each
/// row is for without another call.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass back as `PageRequest.cursor` for the next page; nil on the last page.
    public var nextCursor: String?
    /// Customer id → name, for every customer the items name.
    public var customerNames: [String: String]

    public init(items: [Item], nextCursor: String?, customerNames: [String: String]) {
        self.items = items
        self.nextCursor = nextCursor
        self.customerNames = customerNames
    }
}

/// What a store query can refuse.
public enum ServiceDeskQueryError: Error, Sendable, Equatable {
    /// The cursor was not made by this list (or was altered).
    case invalidCursor
    /// The search text has no term the index can use (every word shorter than three characters).
    case searchTermsTooShort
}

public struct CustomerFilter: Sendable, Equatable {
    /// Part of the name, any case.
    public var nameContains: String?
    public var status: Company.Status?

    public init(nameContains: String? = nil, status: Company.Status? = nil) {
        self.nameContains = nameContains
        self.status = status
    }
}

public struct TicketFilter: Sendable, Equatable {
    public var customerID: String?
    public var priority: Ticket.Priority?
    /// Lower-cased assignee values, any of which matches.
    public var assignees: [String]?
    /// Which statuses; the open ones by default.
    public var statuses: [Ticket.Status]

    public init(customerID: String? = nil, priority: Ticket.Priority? = nil, assignees: [String]? = nil, statuses: [Ticket.Status] = Ticket.Status.openStatuses) {
        self.customerID = customerID
        self.priority = priority
        self.assignees = assignees
        self.statuses = statuses
    }
}

public struct AlertFilter: Sendable, Equatable {
    public var customerID: String?
    public var assetID: String?
    public var severity: Alert.Severity?
    public var statuses: [Alert.Status]

    public init(customerID: String? = nil, assetID: String? = nil, severity: Alert.Severity? = nil, statuses: [Alert.Status] = Alert.Status.activeStatuses) {
        self.customerID = customerID
        self.assetID = assetID
        self.severity = severity
        self.statuses = statuses
    }
}

public struct AssetFilter: Sendable, Equatable {
    public var customerID: String?
    public var kind: Asset.Kind?
    public var status: Asset.Status?
    /// Warranty ends within this window.
    public var warrantyEndsBetween: ClosedRange<Date>?
    /// Last check-in before this instant, or never.
    public var lastSeenBefore: Date?

    public init(
        customerID: String? = nil, kind: Asset.Kind? = nil, status: Asset.Status? = nil, warrantyEndsBetween: ClosedRange<Date>? = nil,
        lastSeenBefore: Date? = nil
    ) {
        self.customerID = customerID
        self.kind = kind
        self.status = status
        self.warrantyEndsBetween = warrantyEndsBetween
        self.lastSeenBefore = lastSeenBefore
    }
}

public struct ContractFilter: Sendable, Equatable {
    public var customerID: String?
    /// Only contracts still running at `asOf` that end on or before this instant.
    public var endingBefore: Date?
    /// Leave out contracts that ended before this instant.
    public var activeAt: Date?

    public init(customerID: String? = nil, endingBefore: Date? = nil, activeAt: Date? = nil) {
        self.customerID = customerID
        self.endingBefore = endingBefore
        self.activeAt = activeAt
    }
}

public struct InvoiceFilter: Sendable, Equatable {
    /// What the reader asks for, with overdue as its own status (open and past due at `asOf`).
    public enum Status: String, Sendable, CaseIterable {
        case open
        case overdue
        case paid
        case void
    }

    public var customerID: String?
    public var status: Status?
    /// Issued on or after.
    public var issuedSince: Date?
    /// The instant overdue is decided at.
    public var asOf: Date

    public init(customerID: String? = nil, status: Status? = nil, issuedSince: Date? = nil, asOf: Date) {
        self.customerID = customerID
        self.status = status
        self.issuedSince = issuedSince
        self.asOf = asOf
    }
}

/// A customer with its people, places and the figures an account review starts from.
public struct CustomerDetail: Sendable {
    public var company: Company
    public var contacts: [CompanyContact]
    public var sites: [CompanySite]
    public var rollup: CustomerRollup
}

public struct CustomerRollup: Sendable, Equatable {
    public var openTickets: Int
    public var openAlerts: Int
    public var activeAssets: Int
    public var activeContracts: Int
    /// Summed term value of the active contracts, in cents.
    public var activeContractValueCents: Int64
    /// The soonest end among the active contracts.
    public var nextContractEnd: Date?
}

/// The grounding view of one customer: who they are and what needs attention now.
public struct CustomerSnapshot: Sendable {
    /// How many tickets and alerts it shows.
    public static let topLimit = 5

    public var detail: CustomerDetail
    /// The most pressing open tickets (priority, then oldest).
    public var topOpenTickets: [Ticket]
    /// The most severe open or acknowledged alerts (severity, then newest).
    public var topOpenAlerts: [Alert]
    public var failingBackups: [BackupJob]
    public var expiringContracts: [Contract]
}

public struct TicketDetail: Sendable {
    public var ticket: Ticket
    public var customerName: String
    /// The newest notes the scope may see, newest first.
    public var notes: [TicketNote]
    /// How many notes the scope may see in all.
    public var visibleNoteCount: Int
}

public struct AlertDetail: Sendable {
    public var alert: Alert
    public var customerName: String
    public var assetName: String?
    /// Oldest first.
    public var history: [AlertEvent]
}

public struct AssetDetail: Sendable {
    public var asset: Asset
    public var customerName: String
    public var siteName: String?
    public var activeAlerts: [Alert]
    public var backupJobs: [BackupJob]
}

/// A ticket found by full-text search, with where the best match was and a short excerpt around it.
public struct TicketSearchHit: Sendable {
    public enum Field: String, Sendable {
        case ticket
        case note
    }

    public var ticket: Ticket
    public var matchedIn: Field
    /// The matched text with the terms in [brackets].
    public var excerpt: String
}

/// One changed record in `recentChanges`.
public struct ChangeRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case ticket
        case alert
    }

    public var kind: Kind
    public var id: String
    public var companyID: String
    public var title: String
    public var status: String
    public var changedAt: Date
}

/// One hit of `searchEverything`.
public struct GlobalSearchHit: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case customer
        case ticket
        case device
        case alert
        case note
    }

    public var kind: Kind
    public var id: String
    public var companyID: String
    public var title: String
    /// For a note: the ticket it belongs to.
    public var ticketID: String?
    public var excerpt: String?
}

/// How many rows of each kind a tenant holds.
public struct ServiceDeskCounts: Sendable, Equatable {
    public var companies = 0
    public var contacts = 0
    public var sites = 0
    public var tickets = 0
    public var notes = 0
    public var assets = 0
    public var alerts = 0
    public var alertEvents = 0
    public var contracts = 0
    public var backupJobs = 0
    public var invoices = 0
    public var rules = 0
    public var ruleExecutions = 0
    public var auditEntries = 0

    public init() {}
}

/// A batch of rows to add to an empty tenant in one transaction (the demo data set).
public struct ServiceDeskRecords: Sendable {
    public var companies: [Company] = []
    public var contacts: [CompanyContact] = []
    public var sites: [CompanySite] = []
    public var assets: [Asset] = []
    public var tickets: [Ticket] = []
    public var notes: [TicketNote] = []
    public var alerts: [Alert] = []
    public var alertEvents: [AlertEvent] = []
    public var contracts: [Contract] = []
    public var backupJobs: [BackupJob] = []
    public var invoices: [Invoice] = []
    public var rules: [Rule] = []
    public var ruleExecutions: [RuleExecution] = []
    public var auditEntries: [AuditEntry] = []

    public init() {}
}

/// `importRecords` refuses a tenant that already holds service-desk data.
public struct TenantNotEmptyError: Error, Sendable, Equatable {
    public let tenantID: String
    public let customers: Int
}
