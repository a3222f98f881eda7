import Foundation
import Shared

/// Issues what a grant hands out: an access token bound to the grant's resource with `sid` = the grant,
/// and a fresh refresh token. One place for every grant type (code, refresh, device code).
struct TokenMinter: Sendable {
    let storage: any AuthStorage
    let accessTokens: AccessTokenIssuer
    /// `GATEHOUSE_ACCESS_TOKEN_SECONDS`, at most `AuthPolicy.accessTokenMaxLifetime`.
    var accessTokenLifetime: Int64 = AuthPolicy.accessTokenMaxLifetime

    struct Minted {
        let response: TokenResponse
        let refreshToken: RefreshTokenRecord
        let accessTokenExpiresAt: Date
    }

    /// - Parameters:
    ///   - scopes: what this access token carries: the refresh token's scopes or a subset of them.
    ///   - refreshScopes: what the new refresh token may later be exchanged for (RFC 6749 §6: unchanged on refresh).
    func mint(
        user: User, tenant: Tenant, grantID: String, clientID: String, resource: String, scopes: [String], refreshScopes: [String],
        authTime: Date, now: Date
    ) async throws -> Minted {
        // One resource per tenant: a grant made before GATEHOUSE_RESOURCE changed cannot mint for the new one
        // (nor crash the server trying); the client has to connect again.
        guard resource == tenant.resource else { throw OAuthError.invalidGrant("The authorization was for another resource; connect again") }
        let issued = try await accessTokens.issue(
            for: user, tenant: tenant, clientID: clientID, scope: scopes, lifetime: accessTokenLifetime, grantID: grantID, now: now
        )
        let refresh = OpaqueToken.make(.refreshToken)
        let record = RefreshTokenRecord(
            tenantID: tenant.id, tokenHash: refresh.hash, grantID: grantID, clientID: clientID, scopes: refreshScopes, resource: resource,
            authTime: authTime, createdAt: now, expiresAt: now.addingTimeInterval(AuthPolicy.refreshTokenLifetime)
        )
        return Minted(
            response: TokenResponse(
                accessToken: issued.token, expiresIn: accessTokenLifetime, refreshToken: refresh.value,
                scope: scopes.joined(separator: " ")
            ),
            refreshToken: record,
            accessTokenExpiresAt: Date(timeIntervalSince1970: TimeInterval(issued.claims.expiresAt))
        )
    }

    /// The first tokens of an approved grant, for the grant types that turn an approval into tokens (an
    /// authorization code, a device code). The grant must still be active, and the scopes are narrowed to the
    /// person's role as it is now, which may have changed since the approval.
    func mintApproved(
        grantID: String, userID: String, client: Client, tenant: Tenant, resource: String, scopes: [String], authTime: Date, now: Date
    ) async throws -> TokenResponse {
        guard let grant = try await storage.grant(tenantID: tenant.id, id: grantID), grant.isActive,
            let user = try await storage.user(tenantID: tenant.id, id: userID)
        else { throw OAuthError.invalidGrant("The authorization has been revoked") }
        let scopes = ScopeCatalog.narrow(scopes, to: user.role)
        let minted = try await mint(
            user: user, tenant: tenant, grantID: grant.id, clientID: client.id, resource: resource, scopes: scopes, refreshScopes: scopes,
            authTime: authTime, now: now
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
}
