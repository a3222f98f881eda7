import Foundation

/// RFC 8707 resource indicators. A client names the MCP server it wants a token for; the tenant has
/// one resource, so a request either names it or is refused with `invalid_target` (§2). Clients differ
/// in trivia (docs/clients.md): scheme and host case, and a trailing slash on a host-only URL (Claude hosted), so
/// both sides are compared after normalising those; anything else must match byte for byte.
public enum ResourceIndicator {
    public enum Outcome: Equatable, Sendable {
        case resource(String)
        case invalidTarget(String)
    }

    /// - Parameter requested: every `resource` parameter of the request (it may repeat, §2).
    /// A missing one defaults to the tenant's resource, because Claude Code 2.1.251 sends none (docs/clients.md § Claude Code).
    public static func resolve(_ requested: [String], tenantResource: String) -> Outcome {
        guard !requested.isEmpty else { return .resource(tenantResource) }
        guard requested.count == 1 else { return .invalidTarget("Only one resource can be requested") }
        let value = requested[0]
        guard let components = URLComponents(string: value), components.scheme != nil, components.host != nil else {
            return .invalidTarget("The resource must be an absolute URI")
        }
        guard components.fragment == nil else { return .invalidTarget("The resource must not contain a fragment") }
        guard normalise(value) == normalise(tenantResource) else {
            return .invalidTarget("This server issues tokens only for \(tenantResource)")
        }
        return .resource(tenantResource)
    }

    /// Lower-cases scheme and host and drops a lone root slash; path and query stay as sent.
    static func normalise(_ value: String) -> String? {
        guard var components = URLComponents(string: value) else { return nil }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        if components.path == "/" { components.path = "" }
        return components.string
    }
}
