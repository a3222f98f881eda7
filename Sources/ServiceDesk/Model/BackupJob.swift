import Foundation

/// A scheduled backup of a customer's server, workstation or cloud tenant, with its latest result.
public struct BackupJob: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case succeeded
        case warning
        case failed
    }

    public var tenantID: String
    public var id: String
    public var companyID: String
    public var assetID: String?
    public var name: String
    public var vendor: String
    /// The result of the last run.
    public var status: Status
    public var lastRunAt: Date
    public var lastSuccessAt: Date?
    /// What the vendor reported for the last run.
    public var message: String?

    public init(
        tenantID: String, id: String, companyID: String, assetID: String?, name: String, vendor: String, status: Status, lastRunAt: Date,
        lastSuccessAt: Date?, message: String?
    ) {
        self.tenantID = tenantID
        self.id = id
        self.companyID = companyID
        self.assetID = assetID
        self.name = name
        self.vendor = vendor
        self.status = status
        self.lastRunAt = lastRunAt
        self.lastSuccessAt = lastSuccessAt
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, companyID = "company_id", assetID = "asset_id", name, vendor, status, lastRunAt = "last_run_at"
        case lastSuccessAt = "last_success_at", message
    }
}
