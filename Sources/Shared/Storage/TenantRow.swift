import Foundation
import GRDB

/// A row of `tenant`, read the same way by both servers on both engines (the resource-server's PostgreSQL table
/// has no `disabled_at`: the auth-server's list decides that, and a missing column reads as enabled).
public struct TenantRow: Codable, FetchableRecord, Sendable {
    public var id: String
    public var issuer: String
    public var resource: String
    public var disabledAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, issuer, resource, disabledAt = "disabled_at"
    }

    public var model: Tenant { Tenant(id: id, issuer: issuer, resource: resource, disabledAt: disabledAt) }
}
