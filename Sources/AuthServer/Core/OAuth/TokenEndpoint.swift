import Foundation
import Hummingbird
import Logging
import Shared

/// /oauth/token (RFC 6749 §3.2): form-encoded requests (§4.1.3), client authentication, then one handler
/// per grant type. Answers are JSON with `Cache-Control: no-store` (§5.1), errors per §5.2.
struct TokenEndpoint: Sendable {
    let limits: ClientRequestLimits
    let authenticator: ClientAuthenticator
    let admission: ClientAdmission
    let authorizationCode: AuthorizationCodeGrant
    let refreshToken: RefreshTokenGrant
    let deviceCode: DeviceCodeGrant
    let clientCredentials: ClientCredentialsGrant
    let logger: Logger

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async -> Response {
        await OAuthError.answering("token", logger: logger) {
            try await limits.admit(address: address, now: now)
            let form = try await FormParameters.body(of: request, limit: AuthPolicy.formBodyLimit)
            let grantType = try form.single("grant_type")
            let client = try await authenticator.authenticate(
                authorization: request.headers[.authorization], form: form, tenant: tenant, address: address, now: now)
            try await limits.admit(client: client, now: now)
            try await admission.requireAdmitted(client, tenant: tenant, deviceFlow: grantType == DeviceCodeGrantType.urn)
            let response: TokenResponse
            switch grantType {
            case "authorization_code": response = try await authorizationCode.exchange(form, client: client, tenant: tenant, now: now)
            case "refresh_token": response = try await refreshToken.exchange(form, client: client, tenant: tenant, address: address, now: now)
            case DeviceCodeGrantType.urn: response = try await deviceCode.exchange(form, client: client, tenant: tenant, now: now)
            case ClientCredentialsGrant.grantType:
                response = try await clientCredentials.exchange(form, client: client, tenant: tenant, address: address, now: now)
            case nil: throw OAuthError.invalidRequest("grant_type is required")
            case let other?: throw OAuthError.unsupportedGrantType("The grant type \(other) is not supported")
            }
            if let grantType { ProcessMetrics.tokenIssued(grantType: grantType) }
            return JSONResponse.make(response)
        }
    }
}
