import Foundation
import Shared

/// Issues what a grant hands out: an access token bound to the grant's resource with `sid` = the grant,
/// and a fresh refresh token. One place for every grant type (code, refresh, device code).
struct TokenMinter: Sendable {
    let storage: any GrantStore & UserStore
    let accessTokens: AccessTokenIssuer
    /// `GATEHOUSE_ELEVATION_SECONDS`: how long after its code an elevation lasts.
    let elevationWindowSeconds: Int
    /// `GATEHOUSE_ACCESS_TOKEN_SECONDS`, at most `AuthPolicy.accessTokenMaxLifetime`.
    var accessTokenLifetime: Int64 = AuthPolicy.accessTokenMaxLifetime

    struct Minted {
        let response: TokenResponse
        let refreshToken: RefreshTokenRecord
        let accessTokenExpiresAt: Date
    }

    /// - Parameters:
    ///   - scopes: what this access token may carry: the refresh token's scopes or a subset of them. `mfa` is
    ///     left out unless the elevation is still in force, and then the token lives no longer than it.
    ///   - refreshScopes: what the new refresh token may later be exchanged for (RFC 6749 §6: unchanged on
    ///     refresh), `mfa` only while the elevation lasts.
    func mint(
        user: User, tenant: Tenant, grantID: String, clientID: String, resource: String, scopes: [String], refreshScopes: [String],
        authentication: Authentication, now: Date
    ) async throws -> Minted {
        // One resource per tenant: a grant made before GATEHOUSE_RESOURCE changed cannot mint for the new one
        // (nor crash the server trying); the client has to connect again.
        guard resource == tenant.resource else { throw OAuthError.invalidGrant("The authorization was for another resource; connect again") }
        let elevation = elevationLeft(authentication, now: now)
        let authentication = elevation == nil ? authentication.withoutElevation : authentication
        let withoutElevation = { (scopes: [String]) in elevation == nil ? scopes.filter { $0 != Elevation.scope } : scopes }
        let accessScopes = withoutElevation(scopes)
        let lifetime = accessScopes.contains(Elevation.scope) ? min(accessTokenLifetime, elevation ?? 0) : accessTokenLifetime
        let issued = try await accessTokens.issue(
            for: user, tenant: tenant, clientID: clientID, scope: accessScopes, lifetime: lifetime, grantID: grantID, authentication: authentication,
            now: now
        )
        let refresh = OpaqueToken.make(.refreshToken)
        let record = RefreshTokenRecord(
            tenantID: tenant.id, tokenHash: refresh.hash, grantID: grantID, clientID: clientID, scopes: withoutElevation(refreshScopes), resource: resource,
            authentication: authentication, createdAt: now, expiresAt: now.addingTimeInterval(AuthPolicy.refreshTokenLifetime)
        )
        return Minted(
            response: TokenResponse(
                accessToken: issued.token, expiresIn: lifetime, refreshToken: refresh.value, scope: accessScopes.joined(separator: " ")
            ),
            refreshToken: record,
            accessTokenExpiresAt: Date(timeIntervalSince1970: TimeInterval(issued.claims.expiresAt))
        )
    }

    /// The first tokens of an approved grant, for the grant types that turn an approval into tokens (an
    /// authorization code, a device code). The grant must still be active, and the scopes are narrowed to the
    /// person's role as it is now, which may have changed since the approval.
    func mintApproved(
        grantID: String, userID: String, client: Client, tenant: Tenant, resource: String, scopes: [String], authentication: Authentication, now: Date
    ) async throws -> TokenResponse {
        guard let grant = try await storage.grant(tenantID: tenant.id, id: grantID), grant.isActive,
            let user = try await storage.user(tenantID: tenant.id, id: userID)
        else { throw OAuthError.invalidGrant("The authorization has been revoked") }
        let scopes = ScopeCatalog.narrow(scopes, to: user.role)
        let minted = try await mint(
            user: user, tenant: tenant, grantID: grant.id, clientID: client.id, resource: resource, scopes: scopes, refreshScopes: scopes,
            authentication: authentication, now: now
        )
        // Refresh tokens go to every client that registered the grant type, `offline_access` or not (docs/clients.md § Claude).
        guard client.grantTypes.contains("refresh_token") else {
            var response = minted.response
            response.refreshToken = nil
            return response
        }
        try await storage.insertRefreshToken(minted.refreshToken)
        return minted.response
    }

    /// Whole seconds the elevation has left, nil when there is none or less than `AuthPolicy.Elevation.shortestToken`:
    /// a token that would expire in moments is of no use to a client, which gets one without `mfa` instead.
    /// In whole seconds as tokens count them, so the token's `exp` is exactly the elevation's end.
    private func elevationLeft(_ authentication: Authentication, now: Date) -> Int64? {
        guard let elevatedAt = authentication.elevatedAt else { return nil }
        let left = Int64(elevatedAt.timeIntervalSince1970) + Int64(elevationWindowSeconds) - Int64(now.timeIntervalSince1970)
        return left >= AuthPolicy.Elevation.shortestToken ? left : nil
    }
}
