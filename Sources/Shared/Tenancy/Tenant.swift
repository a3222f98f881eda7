import Foundation

/// An organisation: its own issuer, MCP resource URL, keys, people, grants and data.
public struct Tenant: Codable, Sendable, Equatable {
    /// Identifier carried in every stored row and in the access token's `tid` claim.
    public var id: String
    /// The authorization server's issuer URL for this tenant (RFC 8414 §2), exactly as published.
    public var issuer: String
    /// The MCP resource URL (RFC 9728 §2), exactly as published; the `aud` of this tenant's tokens.
    public var resource: String
    /// Set by `auth-server admin tenant disable`: neither server answers for the tenant until it is enabled again.
    public var disabledAt: Date?

    /// The tenant a single-tenant install creates on first start.
    public static let defaultID = "default"

    public init(id: String, issuer: String, resource: String, disabledAt: Date? = nil) {
        self.id = id
        self.issuer = issuer
        self.resource = resource
        self.disabledAt = disabledAt
    }
}

/// Picks the tenant a request is for by its host. A single-tenant install answers on any host, so it
/// keeps working behind proxies that rewrite Host and on `localhost` as well as `127.0.0.1`. A disabled tenant
/// is answered for on no host, its own included.
public struct TenantDirectory: Sendable {
    /// The tenants answered for.
    public let tenants: [Tenant]
    /// Only an install that has one tenant at all (none disabled) answers on any host: a disabled tenant's host
    /// must not reach another tenant.
    private let anyHost: Bool
    private let authorityOf: @Sendable (Tenant) -> String?

    /// - Parameter url: which of the tenant's URLs names the host this server answers on.
    public init(tenants: [Tenant], url: @escaping @Sendable (Tenant) -> String) {
        self.tenants = tenants.filter { $0.disabledAt == nil }
        anyHost = tenants.count == 1 && self.tenants.count == 1
        self.authorityOf = { tenant in Self.authority(of: url(tenant)) }
    }

    public func tenant(forAuthority authority: String?) -> Tenant? {
        if anyHost { return tenants[0] }
        guard let authority = authority.map(Self.normalise) else { return nil }
        return tenants.first { authorityOf($0) == authority }
    }

    public static func authority(of url: String) -> String? {
        guard let components = URLComponents(string: url), let host = components.host else { return nil }
        let defaultPort = components.scheme?.lowercased() == "https" ? 443 : 80
        let port = components.port ?? defaultPort
        return normalise(port == defaultPort ? host : "\(host):\(port)")
    }

    static func normalise(_ authority: String) -> String {
        var value = authority.lowercased()
        if value.hasSuffix(":80") || value.hasSuffix(":443") { value = String(value[..<value.lastIndex(of: ":")!]) }
        return value
    }
}
