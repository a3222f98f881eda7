import Foundation
import Logging
import Shared

/// RFC 6749 §4.1.3 with OAuth 2.1's rules: the code is single-use, short-lived and bound to the client,
/// the redirect URI, the PKCE challenge (RFC 7636 §4.6) and the resource (RFC 8707 §2.2). Everything is
/// checked before the code is spent, so a wrong request cannot burn the rightful client's code; a code
/// presented twice ends the grant it produced (RFC 6749 §4.1.2, "SHOULD revoke"). `redirect_uri` is
/// required only when the authorization request carried one (§4.1.3); the code does not record whether it
/// did, so one may be left out only when the code went to the client's sole registered URI, where no other
/// redirect was possible.
struct AuthorizationCodeGrant: Sendable {
    let storage: any GrantStore
    let minter: TokenMinter
    let logger: Logger

    func exchange(_ form: FormParameters, client: Client, tenant: Tenant, now: Date) async throws -> TokenResponse {
        guard let code = try form.single("code") else { throw OAuthError.invalidRequest("code is required") }
        guard let verifier = try form.single("code_verifier") else { throw OAuthError.invalidRequest("code_verifier is required (PKCE)") }
        let redirectURI = try form.single("redirect_uri")
        let codeHash = OpaqueToken.hash(code)
        guard let record = try await storage.authorizationCode(tenantID: tenant.id, codeHash: codeHash), record.clientID == client.id else {
            throw OAuthError.invalidGrant("The authorization code is not valid")
        }
        if record.usedAt != nil { try await endGrantForReplay(record, now: now) }
        guard record.expiresAt > now else { throw OAuthError.invalidGrant("The authorization code has expired") }
        guard redirectURI == record.redirectURI || (redirectURI == nil && client.redirectURIs == [record.redirectURI]) else {
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request")
        }
        if case .invalidTarget(let reason) = ResourceIndicator.resolve(form.all("resource"), tenantResource: record.resource) {
            throw OAuthError.invalidTarget(reason)
        }
        guard PKCE.verify(verifier: verifier, challenge: record.codeChallenge) else {
            throw OAuthError.invalidGrant("code_verifier does not match the code challenge")
        }
        guard try await storage.spendAuthorizationCode(tenantID: tenant.id, codeHash: codeHash, at: now) else {
            try await endGrantForReplay(record, now: now)
        }
        return try await minter.mintApproved(
            grantID: record.grantID, userID: record.userID, client: client, tenant: tenant, resource: record.resource, scopes: record.scopes,
            authentication: record.authentication, now: now)
    }

    private func endGrantForReplay(_ record: AuthorizationCodeRecord, now: Date) async throws -> Never {
        if try await storage.revokeGrant(tenantID: record.tenantID, id: record.grantID, reason: "authorization code reused", at: now) {
            logger.warning("authorization code presented twice; grant ended", metadata: ["grant": "\(record.grantID)", "client": "\(record.clientID)"])
        }
        throw OAuthError.invalidGrant("The authorization code has already been used")
    }
}
