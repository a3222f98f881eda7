import Foundation
import Shared

/// Issues what a grant hands out: an access token bound to the grant's resource with `sid` = the grant,
/// and a fresh refresh token. One place for every grant type (code, refresh, and the device flow later).
struct TokenMinter: Sendable {
    let storage: any AuthStorage
    let accessTokens: AccessTokenIssuer

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
            for: user, tenant: tenant, clientID: clientID, scope: scopes, lifetime: AuthPolicy.accessTokenMaxLifetime, grantID: grantID, now: now
        )
        let refresh = OpaqueToken.make(.refreshToken)
        let record = RefreshTokenRecord(
            tenantID: tenant.id, tokenHash: refresh.hash, grantID: grantID, clientID: clientID, scopes: refreshScopes, resource: resource,
            authTime: authTime, createdAt: now, expiresAt: now.addingTimeInterval(AuthPolicy.refreshTokenLifetime)
        )
        return Minted(
            response: TokenResponse(
                accessToken: issued.token, expiresIn: AuthPolicy.accessTokenMaxLifetime, refreshToken: refresh.value,
                scope: scopes.joined(separator: " ")
            ),
            refreshToken: record,
            accessTokenExpiresAt: Date(timeIntervalSince1970: TimeInterval(issued.claims.expiresAt))
        )
    }
}
