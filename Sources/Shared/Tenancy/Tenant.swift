import Foundation

/// An organisation: its own issuer, MCP resource URL, keys, people, grants and data.
public struct Tenant: Codable, Sendable, Equatable {
    /// Identifier carried in every stored row and in the access token's `tid` claim.
    public var id: String
    /// The authorization server's issuer URL for this tenant (RFC 8414 §2), exactly as published.
    public var issuer: String
    /// The MCP resource URL (RFC 9728 §2), exactly as published; the `aud` of this tenant's tokens.
    public var resource: String

    /// The tenant a single-tenant install creates on first start.
    public static let defaultID = "default"

    public init(id: String, issuer: String, resource: String) {
        self.id = id
        self.issuer = issuer
        self.resource = resource
    }
}

/// Picks the tenant a request is for by its host. A single-tenant install answers on any host, so it
/// keeps working behind proxies that rewrite Host and on `localhost` as well as `127.0.0.1`.
public struct TenantDirectory: Sendable {
    private let tenants: [Tenant]
    private let authorityOf: @Sendable (Tenant) -> String?

    /// - Parameter url: which of the tenant's URLs names the host this server answers on.
    public init(tenants: [Tenant], url: @escaping @Sendable (Tenant) -> String) {
        self.tenants = tenants
        self.authorityOf = { tenant in Self.authority(of: url(tenant)) }
    }

    public func tenant(forAuthority authority: String?) -> Tenant? {
        if tenants.count == 1 { return tenants[0] }
        guard let authority = authority.map(Self.normalise) else { return nil }
        return tenants.first { authorityOf($0) == authority }
    }

    static func authority(of url: String) -> String? {
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
