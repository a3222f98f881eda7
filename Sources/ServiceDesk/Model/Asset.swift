import Foundation

/// A device the MSP manages for a customer.
public struct Asset: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case workstation
        case laptop
        case server
        case network
        case printer
        case mobile
    }

    public enum Status: String, Codable, Sendable, CaseIterable {
        case active
        case inRepair = "in_repair"
        case retired
    }

    public var tenantID: String
    public var id: String
    public var companyID: String
    public var siteID: String?
    /// The host name, e.g. `HDG-LT-014`.
    public var name: String
    public var kind: Kind
    public var os: String?
    public var status: Status
    public var serialNumber: String
    public var warrantyEndsAt: Date?
    /// When the monitoring agent last checked in; nil for devices without an agent.
    public var lastSeenAt: Date?

    public init(
        tenantID: String, id: String, companyID: String, siteID: String?, name: String, kind: Kind, os: String?, status: Status,
        serialNumber: String, warrantyEndsAt: Date?, lastSeenAt: Date?
    ) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.siteID = siteID
        self.name = name
        self.kind = kind
        self.os = os
        self.status = status
        self.serialNumber = serialNumber
        self.warrantyEndsAt = warrantyEndsAt
        self.lastSeenAt = lastSeenAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", siteID = "site_id", name, kind, os, status, serialNumber = "serial_number"
        case warrantyEndsAt = "warranty_ends_at", lastSeenAt = "last_seen_at"
    }
}
