import Foundation

/// RFC 9728 §2 protected-resource metadata, served identically at the root and path-inserted
/// well-known URLs (R3). `resource` is byte-identical to the configured MCP URL (R4) and names one
/// authorization server (R9); tokens are accepted only in the Authorization header (R10).
struct ProtectedResourceMetadata: Codable, Equatable {
    var resource: String
    var authorizationServers: [String]
    var bearerMethodsSupported: [String]
    var scopesSupported: [String]?
    var resourceName: String

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case bearerMethodsSupported = "bearer_methods_supported"
        case scopesSupported = "scopes_supported"
        case resourceName = "resource_name"
    }

    init(resource: String, issuer: String, scopes: [String]) {
        self.resource = resource
        self.authorizationServers = [issuer]
        self.bearerMethodsSupported = ["header"]
        self.scopesSupported = scopes.isEmpty ? nil : scopes
        self.resourceName = "Gatehouse"
    }

    static let wellKnownPrefix = "/.well-known/oauth-protected-resource"

    /// RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
    static func url(forResource resource: String) -> String {
        guard let components = URLComponents(string: resource), let scheme = components.scheme, let host = components.host else {
            return resource
        }
        let port = components.port.map { ":\($0)" } ?? ""
        let path = components.path == "/" ? "" : components.path
        return "\(scheme)://\(host)\(port)\(wellKnownPrefix)\(path)"
    }
}
