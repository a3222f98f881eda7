import Foundation
import Hummingbird
import Logging
import Shared

/// /oauth/revoke (RFC 7009). The client authenticates as at the token endpoint (§2.1); a refresh token
/// or an access token of that client ends the grant it belongs to, which §2.1 allows and which is what
/// a client revoking at disconnect means. Unknown, expired or other clients' tokens get the same empty
/// 200 (§2.2), so the endpoint tells nobody which tokens exist. `token_type_hint` is ignored (§2.1
/// allows it): both kinds are looked up whatever it says. A personal access token needs no client at all:
/// whoever finds one in a log can end it here, and is told nothing more than anyone else.
struct RevocationEndpoint: Sendable {
    let limits: ClientRequestLimits
    let storage: any GrantStore & PersonalAccessTokenStore
    let keyRing: SigningKeyRing
    let authenticator: ClientAuthenticator
    let logger: Logger

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async -> Response {
        await OAuthError.answering("revocation", logger: logger) {
            try await limits.admit(address: address, now: now)
            let form = try await FormParameters.body(of: request, limit: AuthPolicy.formBodyLimit)
            try await revoke(form, authorization: request.headers[.authorization], tenant: tenant, address: address, now: now)
            return Response(status: .ok, headers: [.cacheControl: "no-store"])
        }
    }

    /// Authenticates the client and ends the grant behind `token` if it is a live token of that client.
    /// Returns the grant it ended, nil when there was none to end (which the client is not told).
    @discardableResult
    func revoke(_ form: FormParameters, authorization: String?, tenant: Tenant, address: ClientAddress?, now: Date) async throws -> String? {
        if let presented = try form.single("token"), let token = PersonalAccessToken(parsing: presented) {
            return try await revoke(token, tenant: tenant, address: address, now: now)
        }
        let client = try await authenticator.authenticate(authorization: authorization, form: form, tenant: tenant, address: address, now: now)
        try await limits.admit(client: client, now: now)
        guard let token = try form.single("token") else { throw OAuthError.invalidRequest("token is required") }
        guard let grantID = try await grantID(of: token, client: client, tenant: tenant, now: now),
            try await storage.revokeGrant(tenantID: tenant.id, id: grantID, reason: "revoked by the client", at: now)
        else { return nil }
        logger.info("grant revoked by its client", metadata: ["grant": "\(grantID)", "client": "\(client.id)"])
        return grantID
    }

    private func revoke(_ token: PersonalAccessToken, tenant: Tenant, address: ClientAddress?, now: Date) async throws -> String? {
        guard let record = try await storage.personalAccessToken(tenantID: tenant.id, tokenHash: OpaqueToken.hash(token.value)),
            try await storage.revokeGrant(tenantID: tenant.id, id: record.grantID, reason: "revoked at the revocation endpoint", at: now)
        else { return nil }
        logger.notice(
            "personal access token revoked by whoever held it", metadata: ["token": "\(record.id)", "address": "\(address?.description ?? "unknown")"])
        return record.grantID
    }

    /// The grant behind an unexpired refresh token (looked up by hash) or one of our access tokens
    /// (verified with our own keys), when it was issued to this client.
    private func grantID(of token: String, client: Client, tenant: Tenant, now: Date) async throws -> String? {
        if let record = try await storage.refreshToken(tenantID: tenant.id, tokenHash: OpaqueToken.hash(token)) {
            return record.clientID == client.id && record.expiresAt > now ? record.grantID : nil
        }
        guard let claims = try await keyRing.verifiedClaims(of: token, tenant: tenant, now: now), claims.clientID == client.id else { return nil }
        return claims.grantID
    }
}
