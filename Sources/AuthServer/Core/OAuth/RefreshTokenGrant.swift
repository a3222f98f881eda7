import Foundation
import Logging
import Shared

/// RFC 6749 §6 with OAuth 2.1 §4.3.1 rotation for public clients (MCP authorization spec (2025-11-25) § Token
/// Theft): every use returns a new refresh token. The just-rotated one keeps answering, with the same new pair,
/// for the grace window, because hosts refresh from parallel tool calls (docs/tokens.md § Refresh tokens);
/// presented after the window it is a replay and ends the grant. The grant's resource and scopes carry over
/// (RFC 8707 §2.2); a `scope` may narrow the access token.
struct RefreshTokenGrant: Sendable {
    let storage: any GrantStore & UserStore
    let minter: TokenMinter
    let graceSeconds: Int
    let logger: Logger

    func exchange(_ form: FormParameters, client: Client, tenant: Tenant, address: ClientAddress? = nil, now: Date) async throws -> TokenResponse {
        guard client.grantTypes.contains("refresh_token") else {
            throw OAuthError.unauthorizedClient("The client did not register the refresh_token grant")
        }
        guard let presented = try form.single("refresh_token") else { throw OAuthError.invalidRequest("refresh_token is required") }
        let tokenHash = OpaqueToken.hash(presented)
        guard let record = try await storage.refreshToken(tenantID: tenant.id, tokenHash: tokenHash), record.clientID == client.id else {
            throw OAuthError.invalidGrant("The refresh token is not valid")
        }
        if case .invalidTarget(let reason) = ResourceIndicator.resolve(form.all("resource"), tenantResource: record.resource) {
            throw OAuthError.invalidTarget(reason)
        }
        if record.rotatedAt != nil { return try await replay(record, presented: presented, now: now) }
        guard record.expiresAt > now else { throw OAuthError.invalidGrant("The refresh token has expired") }
        guard let grant = try await storage.grant(tenantID: tenant.id, id: record.grantID), grant.isActive,
            let user = try await storage.user(tenantID: tenant.id, id: grant.userID)
        else { throw OAuthError.invalidGrant("The authorization has been revoked") }

        let refreshScopes = ScopeCatalog.narrow(record.scopes, to: user.role)
        var scopes = refreshScopes
        if let requested = try form.single("scope") {
            guard let parsed = ScopeList.parse(requested) else { throw OAuthError.invalidScope("scope is malformed") }
            guard Set(parsed).isSubset(of: Set(refreshScopes)) else {
                throw OAuthError.invalidScope("A refresh can only narrow the scopes of the original grant")
            }
            scopes = parsed
        }
        let minted = try await minter.mint(
            user: user, tenant: tenant, grantID: grant.id, clientID: client.id, resource: record.resource, scopes: scopes,
            refreshScopes: refreshScopes, authentication: record.authentication, now: now
        )
        let sealed = try RefreshTokenSuccessor.seal(minted.response, accessTokenExpiresAt: minted.accessTokenExpiresAt, under: presented)
        // One transaction (one disk sync) per grant; it also marks the client used, so a connector that only
        // refreshes is not reaped as unused (docs/security.md § Threats).
        let entry = Ledger.entry(
            .tokenRefreshed, tenantID: tenant.id, actorID: user.id, actorEmail: user.email, grantID: grant.id, clientID: client.id, address: address,
            detail: scopes.joined(separator: " "), at: now)
        guard
            try await storage.rotateRefreshToken(
                tenantID: tenant.id, tokenHash: tokenHash, at: now, successor: sealed, replacement: minted.refreshToken, ledger: entry)
        else {
            // A parallel refresh rotated it first: answer with theirs.
            guard let winner = try await storage.refreshToken(tenantID: tenant.id, tokenHash: tokenHash) else {
                throw OAuthError.invalidGrant("The authorization has been revoked")
            }
            return try await replay(winner, presented: presented, now: now)
        }
        return minted.response
    }

    private func replay(_ record: RefreshTokenRecord, presented: String, now: Date) async throws -> TokenResponse {
        if let rotatedAt = record.rotatedAt, now.timeIntervalSince(rotatedAt) <= TimeInterval(graceSeconds), let successor = record.successor,
            let response = RefreshTokenSuccessor.open(successor, with: presented, now: now)
        {
            return response
        }
        if try await storage.revokeGrant(tenantID: record.tenantID, id: record.grantID, reason: "refresh token reused", at: now) {
            logger.warning("rotated refresh token presented after the grace window; grant ended", metadata: ["grant": "\(record.grantID)"])
        }
        throw OAuthError.invalidGrant("The refresh token has already been used")
    }
}
