import Foundation
import Shared
import ToolKit

/// Who may use the internal admin API, once the bearer token is verified like any other (signature, issuer,
/// `aud` the tenant's resource, expiry, the tenant the host picked): an access token (never a personal access
/// token) that lives at most `ResourceAdminAPI.maximumLifetimeSeconds`, carries `ResourceAdminAPI.scope`, is an
/// admin's, and, to change anything, carries a second factor from the elevation window.
struct AdminAuthority: Sendable {
    let elevationWindowSeconds: Int

    struct Refusal: Error, Equatable {
        /// 401 or 403.
        let status: Int
        /// The OAuth error code (RFC 6750 §3.1, RFC 9470 §3).
        let error: String
        let description: String
    }

    func check(_ caller: Caller, changes: Bool, now: Date) throws(Refusal) {
        let claims = caller.claims
        guard caller.tokenKind == .accessToken else {
            throw Refusal(status: 403, error: "insufficient_scope", description: "The admin API takes tokens the auth-server mints for it, not personal access tokens")
        }
        guard claims.expiresAt - claims.issuedAt <= ResourceAdminAPI.maximumLifetimeSeconds else {
            throw Refusal(
                status: 401, error: "invalid_token",
                description: "An admin API token may live at most \(ResourceAdminAPI.maximumLifetimeSeconds) seconds")
        }
        guard caller.scopes.contains(ResourceAdminAPI.scope) else {
            throw Refusal(status: 403, error: "insufficient_scope", description: "The admin API needs the scope \(ResourceAdminAPI.scope)")
        }
        guard claims.role == Role.admin.rawValue else {
            throw Refusal(status: 403, error: "insufficient_scope", description: "The admin API is for admin accounts; this account's role is \(claims.role ?? "not set")")
        }
        // RFC 9470 §3: the token is good, but a change needs a fresher authentication with a second factor.
        if changes, !Elevation.isFresh(scopes: caller.scopes, authTime: claims.authTime, now: now, windowSeconds: elevationWindowSeconds) {
            throw Refusal(
                status: 403, error: "insufficient_user_authentication",
                description: "A change needs a second factor entered in the last \(Elevation.describe(windowSeconds: elevationWindowSeconds))")
        }
    }
}
