import Foundation

/// The tenants of an auth-server, as it tells its resource-servers (docs/tenancy.md § Adding and disabling tenants): the
/// resource-server serves exactly the enabled ones, each at its own resource URL, and learns of one added or
/// disabled without a restart. Disabled tenants are listed with their state, so their hosts reach no tenant at
/// all. Only a resource-server may read it.
public struct TenantList: Codable, Sendable, Equatable {
    public static let path = "/internal/tenants"
    /// How often a resource-server asks: also about the longest a disabled tenant stays served.
    public static let refreshSeconds = 5

    public var tenants: [Tenant]

    public init(tenants: [Tenant]) { self.tenants = tenants }
}
