import Foundation

/// A monitoring alert raised on a customer's device.
public struct Alert: Codable, Sendable, Equatable {
    public enum Severity: String, Codable, Sendable, CaseIterable {
        case critical
        case warning
        case info

        /// Most severe first: the order of `allCases`.
        public var rank: Int { Self.allCases.firstIndex(of: self)! }
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case open
        case acknowledged
        case resolved

        /// Statuses that still need attention.
        public static let activeStatuses: [Status] = [.open, .acknowledged]
    }

    public var tenantID: String
    public var id: String
    public var companyID: String
    public var assetID: String?
    public var title: String
    public var severity: Severity
    public var status: Status
    /// The monitor that raised it, e.g. `RMM` or `Backup monitor`.
    public var source: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        tenantID: String, id: String, companyID: String, assetID: String?, title: String, severity: Severity, status: Status, source: String,
        createdAt: Date, updatedAt: Date
    ) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.assetID = assetID
        self.title = title
        self.severity = severity
        self.status = status
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", assetID = "asset_id", title, severity, status, source
        case createdAt = "created_at", updatedAt = "updated_at"
    }
}

/// One step of an alert's acknowledgement history.
public struct AlertEvent: Codable, Sendable, Equatable {
    public enum Action: String, Codable, Sendable {
        case acknowledged
        case resolved
        case reopened
    }

    public var tenantID: String
    public var id: String
    public var alertID: String
    public var action: Action
    /// Who did it: a technician's email, or the monitor for automatic changes.
    public var actor: String
    public var note: String?
    public var occurredAt: Date

    public init(tenantID: String, id: String, alertID: String, action: Action, actor: String, note: String?, occurredAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.alertID = alertID
        self.action = action
        self.actor = actor
        self.note = note
        self.occurredAt = occurredAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, alertID = "alert_id", action, actor, note, occurredAt = "occurred_at"
    }
}
