import Foundation
import Shared

/// RFC 9728 §2 protected-resource metadata, served identically at the root and path-inserted
/// well-known URLs (RFC 9728 §3.1; MCP authorization spec (2025-11-25) § Protected Resource Metadata Discovery Requirements).
/// `resource` is byte-identical to the configured MCP URL (§3.3) and names one authorization server
/// (clients use only the first: docs/clients.md § Claude); tokens are accepted only in the Authorization
/// header (MCP authorization spec (2025-11-25) § Token Requirements).
/// Beyond RFC 9728's members (§2 allows more), `gatehouse_tools` names each tool with its scopes, kind
/// and, when not everyone's, the roles it is for, so a consent page or an operator can say what a grant
/// of some scopes lets an app do for a given person.
struct ProtectedResourceMetadata: Codable, Equatable {
    var resource: String
    var authorizationServers: [String]
    var bearerMethodsSupported: [String]
    var scopesSupported: [String]?
    var resourceName: String
    var tools: [PublishedTool]

    enum CodingKeys: String, CodingKey {
        case resource
        case authorizationServers = "authorization_servers"
        case bearerMethodsSupported = "bearer_methods_supported"
        case scopesSupported = "scopes_supported"
        case resourceName = "resource_name"
        case tools = "gatehouse_tools"  // PublishedTool.metadataMember
    }

    /// `scopes_supported` holds every scope of the tools the tenant offers and never the second factor's `mfa`,
    /// which clients must only ask for when challenged (docs/tokens.md § MFA elevation). A switched-off module's
    /// tools are left out, and with them a scope only they need: the auth-server reads this to stop offering it.
    init(resource: String, issuer: String, registry: ToolRegistry, switchedOff: Set<ToolModule> = []) {
        self.resource = resource
        self.authorizationServers = [issuer]
        self.bearerMethodsSupported = ["header"]
        let scopes = registry.scopes(switchedOff: switchedOff)
        self.scopesSupported = scopes.isEmpty ? nil : scopes
        self.resourceName = "Gatehouse"
        self.tools = registry.offered(switchedOff: switchedOff).map {
            PublishedTool(name: $0.name, scopes: $0.requiredScopes, kind: $0.kind, roles: $0.roleNames)
        }
    }
}
