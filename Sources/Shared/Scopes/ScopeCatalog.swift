/// The scopes a Gatehouse grant can carry, in one list both servers read: the auth-server publishes
/// them (RFC 8414 `scopes_supported`), explains them on the consent page and narrows a request to what
/// the person's role allows; the resource-server's tools name them as their required scopes.
public struct ScopeDefinition: Sendable, Equatable {
    public let name: String
    /// What the consent page says, in plain words, that the grant lets the app do.
    public let consentText: String
    /// The roles that may hold the scope at all. A request for more is narrowed, never refused (RFC 6749 §3.3).
    public let roles: Set<Role>
}

public enum ScopeCatalog {
    /// RFC 6749 leaves refresh tokens to the server; MCP clients add `offline_access` when the server
    /// lists it (docs/clients.md § The MCP Python SDK), and we issue refresh tokens with or without it.
    public static let offlineAccess = "offline_access"

    public static let all: [ScopeDefinition] = [
        ScopeDefinition(name: "customers:read", consentText: "See customers, their contacts, sites and status", roles: Set(Role.allCases)),
        ScopeDefinition(name: "tickets:read", consentText: "Read tickets and their conversations", roles: Set(Role.allCases)),
        ScopeDefinition(name: "tickets:write", consentText: "Open tickets, reply to them and change their status", roles: Set(Role.allCases)),
        ScopeDefinition(name: "notes:write", consentText: "Add internal notes to tickets", roles: [.admin, .technician]),
        ScopeDefinition(name: "alerts:read", consentText: "See monitoring alerts", roles: Set(Role.allCases)),
        ScopeDefinition(name: "alerts:write", consentText: "Acknowledge and resolve alerts", roles: [.admin, .technician]),
        ScopeDefinition(name: "assets:read", consentText: "See devices and their warranty and status", roles: Set(Role.allCases)),
        ScopeDefinition(name: "contracts:read", consentText: "See service contracts", roles: Set(Role.allCases)),
        ScopeDefinition(name: "billing:read", consentText: "See invoices and amounts due", roles: [.admin, .company]),
        ScopeDefinition(name: "search:read", consentText: "Search across customers, tickets, devices and alerts", roles: Set(Role.allCases)),
        ScopeDefinition(name: "audit:read", consentText: "Read the audit log of changes", roles: [.admin, .technician]),
        ScopeDefinition(name: "rules:run", consentText: "Run automation rules", roles: [.admin]),
        ScopeDefinition(
            name: offlineAccess, consentText: "Stay connected when you are not using it, until you disconnect it", roles: Set(Role.allCases)
        ),
        // Every role has a high-trust tool (close_ticket is for whoever may write tickets), so every role may
        // hold it; it is granted only with a code entered for the request (`Elevation`).
        ScopeDefinition(
            name: Elevation.scope, consentText: "Perform high-trust actions, confirmed with your second factor", roles: Set(Role.allCases)
        ),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func definition(named name: String) -> ScopeDefinition? { all.first { $0.name == name } }

    /// Keeps the requested scopes this catalogue knows and the role may hold, in request order; unknown
    /// scopes are dropped rather than refused, because real clients send stray ones (RFC 6749 §3.3; docs/clients.md § Claude).
    public static func narrow(_ requested: [String], to role: Role) -> [String] {
        requested.filter { definition(named: $0)?.roles.contains(role) ?? false }
    }

    /// Whether tools name the scope: every one but `offline_access` and `mfa`, which no resource metadata lists
    /// (`scopes_supported` leaves `mfa` out on purpose) and no feature switch takes away.
    public static func isToolScope(_ name: String) -> Bool { name != offlineAccess && name != Elevation.scope }

    /// Everything the role may hold but elevation, which is only ever asked for: what a request without
    /// `scope` gets (RFC 6749 §3.3 default).
    public static func everything(for role: Role) -> [String] {
        all.filter { $0.roles.contains(role) && $0.name != Elevation.scope }.map(\.name)
    }
}
