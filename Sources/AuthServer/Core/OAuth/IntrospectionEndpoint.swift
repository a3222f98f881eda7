import Foundation
import Hummingbird
import Logging
import Shared

/// /oauth/introspect (RFC 7662): what a token of this tenant stands for, for a caller that authenticates as a
/// confidential client (§2.1). A resource-server may ask about any token of the tenant; any other client only
/// about tokens issued to itself (§4: the server decides who may learn what). Personal access tokens, access
/// tokens and refresh tokens are answered; anything unknown, expired, revoked, of another tenant or beyond the
/// caller's reach is `{"active": false}` and nothing else (§2.2).
struct IntrospectionEndpoint: Sendable {
    let limits: ClientRequestLimits
    let authenticator: ClientAuthenticator
    let introspection: TokenIntrospection
    let logger: Logger

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async -> Response {
        await OAuthError.answering("introspection", logger: logger) {
            let form = try await FormParameters.body(of: request, limit: AuthPolicy.formBodyLimit)
            let client: Client
            do {
                client = try await authenticator.authenticate(
                    authorization: request.headers[.authorization], form: form, tenant: tenant, address: address, now: now)
                guard client.authMethod != .none else {
                    throw ClientAuthenticator.Failure(error: .invalidClient("Introspection is for confidential clients"), usedBasic: true)
                }
            } catch let failure as ClientAuthenticator.Failure {
                // Only failures count against the address: a resource-server asks on behalf of every script it serves.
                try await limits.admit(address: address, now: now)
                // §2.3: a caller whose credentials fail is answered 401, however it sent them.
                throw ClientAuthenticator.Failure(error: failure.error, usedBasic: true)
            }
            if client.kind != .resourceServer {
                try await limits.admit(address: address, now: now)
                try await limits.admit(client: client, now: now)
            }
            guard let token = try form.single("token") else { throw OAuthError.invalidRequest("token is required") }
            let callerAddress = client.kind == .resourceServer ? try form.single(IntrospectionAnswer.callerAddressParameter) : nil
            let answer = try await introspection.introspect(token, for: client, tenant: tenant, callerAddress: callerAddress, now: now)
            return JSONResponse.make(answer, cacheControl: "no-store")
        }
    }
}

/// What introspection tells whom (RFC 7662 §2.2, §4), apart from HTTP.
struct TokenIntrospection: Sendable {
    let storage: any GrantStore & PersonalAccessTokenStore & UserStore
    let keyRing: SigningKeyRing
    let personalAccessTokens: PersonalAccessTokens

    func introspect(_ token: String, for caller: Client, tenant: Tenant, callerAddress: String?, now: Date) async throws -> IntrospectionAnswer {
        let answer = try await answer(for: token, tenant: tenant, callerAddress: callerAddress, now: now)
        guard caller.kind == .resourceServer || answer.claims?.clientID == caller.id else { return .inactive }
        return answer
    }

    private func answer(for token: String, tenant: Tenant, callerAddress: String?, now: Date) async throws -> IntrospectionAnswer {
        switch BearerCredentialKind(token) {
        case .personalAccessToken:
            guard let record = try await storage.personalAccessToken(tenantID: tenant.id, tokenHash: OpaqueToken.hash(token)),
                let claims = try await personalAccessTokens.claims(of: record, tenant: tenant, now: now)
            else { return .inactive }
            if record.isUseDue(at: now) {
                try await storage.recordPersonalAccessTokenUse(tenantID: tenant.id, id: record.id, at: now, address: callerAddress)
            }
            return .active(.personalAccessToken, claims: claims)
        case .jsonWebToken:
            guard let claims = try await keyRing.verifiedClaims(of: token, tenant: tenant, now: now),
                try await storage.grant(tenantID: tenant.id, id: claims.grantID)?.isActive == true
            else { return .inactive }
            return .active(.accessToken, claims: claims)
        case .unrecognised:
            guard let record = try await storage.refreshToken(tenantID: tenant.id, tokenHash: OpaqueToken.hash(token)),
                record.rotatedAt == nil, record.expiresAt > now,
                let grant = try await storage.grant(tenantID: tenant.id, id: record.grantID), grant.isActive,
                let user = try await storage.user(tenantID: tenant.id, id: grant.userID)
            else { return .inactive }
            return .active(
                .refreshToken,
                claims: AccessTokenIssuer.claims(
                    for: user, tenant: tenant, clientID: record.clientID, scope: record.scopes, issuedAt: Int64(record.createdAt.timeIntervalSince1970),
                    expiresAt: Int64(record.expiresAt.timeIntervalSince1970), tokenID: record.tokenHash, grantID: record.grantID,
                    authentication: record.authentication, now: now))
        }
    }
}
