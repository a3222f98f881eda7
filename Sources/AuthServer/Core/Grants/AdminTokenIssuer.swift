import Foundation
import Shared

/// Access tokens an operator mints by hand (`auth-server admin token issue`), held to the same rules as any
/// other: scopes narrowed to what the person's role may hold, and a grant of the admin command line's own,
/// so the token shows in connected apps and ends when that grant is revoked. Never `mfa`: nobody entered a
/// second factor for it (docs/tokens.md § MFA elevation).
struct AdminTokenIssuer: Sendable {
    let storage: any GrantStore
    let accessTokens: AccessTokenIssuer

    struct Issued {
        let token: String
        let grant: Grant
        /// Asked-for scopes the person's role cannot hold (or nobody knows), left out.
        let dropped: [String]
    }

    func issue(for user: User, tenant: Tenant, scopes requested: [String], lifetime: Int64, now: Date = Date()) async throws -> Issued {
        let scopes = ScopeCatalog.narrow(requested, to: user.role).filter { $0 != Elevation.scope }
        let grant = Grant(
            tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: AuthPolicy.adminCLIClientID,
            resource: tenant.resource, scopes: scopes, createdAt: now, lastAuthorisedAt: now)
        try await storage.saveGrant(grant)
        let issued = try await accessTokens.issue(
            for: user, tenant: tenant, clientID: AuthPolicy.adminCLIClientID, scope: scopes, lifetime: lifetime, grantID: grant.id, now: now)
        return Issued(token: issued.token, grant: grant, dropped: requested.filter { !scopes.contains($0) })
    }
}
