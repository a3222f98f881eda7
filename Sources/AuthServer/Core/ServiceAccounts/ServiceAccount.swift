import Foundation
import Shared

/// An integration's own identity (docs/tokens.md § Service accounts): a client that authenticates with the client
/// credentials grant and holds one grant of its own, so it keeps working when the admin who made it leaves, and
/// ends like any grant. Its id is its `client_id` and the `sub` of its tokens.
public struct ServiceAccount: Sendable, Equatable {
    public var tenantID: String
    /// `svc_…`: the client id and the tokens' subject.
    public var id: String
    public var grantID: String
    public var name: String
    /// The grant's scopes: the most a token may carry.
    public var scopes: [String]
    /// Bound to one company, it acts as that company's users would; nil: tenant-wide, as a technician limited to its scopes.
    public var companyID: String?
    /// The admin who made it, for the record; the account does not depend on them.
    public var createdBy: String?
    public var createdAt: Date
    public var secretRotatedAt: Date?
    public var revokedAt: Date?

    public init(
        tenantID: String, id: String, grantID: String, name: String, scopes: [String], companyID: String?, createdBy: String?, createdAt: Date,
        secretRotatedAt: Date? = nil, revokedAt: Date? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.grantID = grantID
        self.name = name
        self.scopes = scopes
        self.companyID = companyID
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.secretRotatedAt = secretRotatedAt
        self.revokedAt = revokedAt
    }

    public var isActive: Bool { revokedAt == nil }

    /// The role its tokens carry, which the resource-server's tool rules read (docs/tokens.md § Service accounts).
    public var role: Role { companyID == nil ? .technician : .company }

    public static let idPrefix = "svc_"

    /// The `subject_type` claim of its tokens.
    public static let subjectType = "service_account"
}
