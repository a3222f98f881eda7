import Foundation
import Shared

/// RFC 6749 §4.4, for service accounts only (docs/tokens.md § Service accounts): the authenticated account gets an
/// access token for the tenant's resource (RFC 8707 §2, as for every grant) under its own grant, with the
/// requested scopes narrowed to its own and never `mfa`, and no refresh token (§4.4.3).
struct ClientCredentialsGrant: Sendable {
    static let grantType = "client_credentials"

    let storage: any GrantStore & ServiceAccountStore
    let accessTokens: AccessTokenIssuer
    let ledger: Ledger
    /// `GATEHOUSE_ACCESS_TOKEN_SECONDS`.
    let accessTokenLifetime: Int64

    func exchange(_ form: FormParameters, client: Client, tenant: Tenant, address: ClientAddress?, now: Date) async throws -> TokenResponse {
        // §4.4: only a confidential client, and here only one an admin made for this purpose.
        guard client.kind == .serviceAccount, client.grantTypes.contains(Self.grantType) else {
            throw OAuthError.unauthorizedClient("Only service accounts may use the client credentials grant")
        }
        guard let account = try await storage.serviceAccount(tenantID: tenant.id, id: client.id), account.isActive,
            let grant = try await storage.grant(tenantID: tenant.id, id: account.grantID), grant.isActive
        else { throw OAuthError.invalidGrant("The service account has been revoked") }
        if case .invalidTarget(let reason) = ResourceIndicator.resolve(form.all("resource"), tenantResource: grant.resource) {
            throw OAuthError.invalidTarget(reason)
        }
        var scopes = grant.scopes
        if let requested = try form.single("scope") {
            guard let parsed = ScopeList.parse(requested) else { throw OAuthError.invalidScope("scope is malformed") }
            // RFC 6749 §3.3: the server may issue fewer scopes than asked, and says which in the response.
            scopes = parsed.filter(grant.scopes.contains)
        }
        scopes = ScopeCatalog.narrow(scopes, to: account.role).filter { $0 != Elevation.scope }
        let issued = try await accessTokens.issue(for: account, tenant: tenant, scope: scopes, lifetime: accessTokenLifetime, now: now)
        await ledger.record(
            .serviceAccountToken, tenantID: tenant.id, actorID: account.id, grantID: grant.id, clientID: client.id, address: address,
            detail: scopes.joined(separator: " "), at: now)
        return TokenResponse(accessToken: issued.token, expiresIn: accessTokenLifetime, refreshToken: nil, scope: scopes.joined(separator: " "))
    }
}
