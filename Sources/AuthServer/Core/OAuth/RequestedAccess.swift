import Foundation
import Shared

/// The `resource` and `scope` of an authorization request, read the same way wherever a client asks for access:
/// /oauth/authorize and /oauth/device_authorization. The resource must be the tenant's (RFC 8707 §2); scopes are
/// parsed tolerantly (RFC 6749 §3.3) and narrowed to the person's role only once the person is known.
struct RequestedAccess: Sendable, Equatable {
    var resource: String
    /// nil when the request named no scopes.
    var scopes: [String]?

    static func parse(_ form: FormParameters, tenant: Tenant) throws(OAuthError) -> RequestedAccess {
        let resource: String
        switch ResourceIndicator.resolve(form.all("resource"), tenantResource: tenant.resource) {
        case .resource(let value): resource = value
        case .invalidTarget(let reason): throw .invalidTarget(reason)
        }
        var scopes: [String]?
        if let text = try form.single("scope") {
            guard let parsed = ScopeList.parse(text) else { throw .invalidScope("scope holds characters a scope cannot have") }
            scopes = parsed
        }
        return RequestedAccess(resource: resource, scopes: scopes)
    }

    /// What the person is asked to grant: the scopes asked for (everything their role may hold when none were
    /// named, RFC 6749 §3.3), narrowed to the role, and to what the resource publishes: a tool scope its RFC 9728
    /// `scopes_supported` no longer lists belongs only to modules the tenant switched off, and is never granted.
    /// `published` is nil when the metadata cannot be read: then nothing more is dropped (every scope, as before
    /// feature switches), because consent must not fail with the resource-server.
    static func grantable(_ requested: [String]?, for role: Role, published: Set<String>?) -> [String] {
        let narrowed = ScopeCatalog.narrow(requested ?? ScopeCatalog.everything(for: role), to: role)
        guard let published else { return narrowed }
        return narrowed.filter { published.contains($0) || !ScopeCatalog.isToolScope($0) }
    }
}
