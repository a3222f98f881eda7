import Foundation
import Hummingbird
import Logging
import Shared

/// /oauth/device_authorization (RFC 8628 §3.1): a device asks to sign in and is given a device code to poll
/// with and a user code for the person to enter at /device (§3.2). The client authenticates as at the token
/// endpoint (a public client names itself, §3.1) and must have registered the device grant; `scope` and
/// `resource` are read and bound exactly as at /oauth/authorize (`RequestedAccess`). Limited like the token
/// endpoint, per address and per client, because each request stores a row.
struct DeviceAuthorizationEndpoint: Sendable {
    let limits: ClientRequestLimits
    let authenticator: ClientAuthenticator
    let admission: ClientAdmission
    let storage: any DeviceAuthorizationStore
    let logger: Logger

    /// RFC 8628 §3.2.
    struct Answer: Codable, Equatable {
        var deviceCode: String
        var userCode: String
        var verificationURI: String
        var verificationURIComplete: String
        var expiresIn: Int
        var interval: Int

        enum CodingKeys: String, CodingKey {
            case deviceCode = "device_code"
            case userCode = "user_code"
            case verificationURI = "verification_uri"
            case verificationURIComplete = "verification_uri_complete"
            case expiresIn = "expires_in"
            case interval
        }
    }

    func handle(_ request: Request, tenant: Tenant, address: ClientAddress?, now: Date = Date()) async -> Response {
        await OAuthError.answering("device authorization", logger: logger) {
            try await limits.admit(address: address, now: now)
            let form = try await FormParameters.body(of: request, limit: AuthPolicy.formBodyLimit)
            let client = try await authenticator.authenticate(
                authorization: request.headers[.authorization], form: form, tenant: tenant, address: address, now: now)
            try await limits.admit(client: client, now: now)
            try await admission.requireAdmitted(client, tenant: tenant, deviceFlow: true)
            return try JSONResponse.make(try await authorize(form, client: client, tenant: tenant, now: now))
        }
    }

    func authorize(_ form: FormParameters, client: Client, tenant: Tenant, now: Date) async throws -> Answer {
        guard client.grantTypes.contains(DeviceCodeGrantType.urn) else {
            throw OAuthError.unauthorizedClient("The client did not register the grant type \(DeviceCodeGrantType.urn)")
        }
        let access = try RequestedAccess.parse(form, tenant: tenant)
        let deviceCode = OpaqueToken.make(.deviceCode)
        for _ in 0..<AuthPolicy.DeviceFlow.userCodeDraws {
            let userCode = UserCode.generate()
            let stored = try await storage.insertDeviceAuthorization(
                DeviceAuthorization(
                    tenantID: tenant.id, deviceCodeHash: deviceCode.hash, userCodeHash: userCode.hash, clientID: client.id,
                    resource: access.resource, requestedScopes: access.scopes, createdAt: now,
                    expiresAt: now.addingTimeInterval(AuthPolicy.DeviceFlow.lifetime), interval: AuthPolicy.DeviceFlow.pollingInterval)
            )
            guard stored else { continue }
            let verificationURI = tenant.issuer + AuthServerPaths.device
            return Answer(
                deviceCode: deviceCode.value, userCode: userCode.display, verificationURI: verificationURI,
                verificationURIComplete: verificationURI + "?user_code=" + userCode.display, expiresIn: Int(AuthPolicy.DeviceFlow.lifetime),
                interval: AuthPolicy.DeviceFlow.pollingInterval)
        }
        logger.error("no free user code after several draws", metadata: ["draws": "\(AuthPolicy.DeviceFlow.userCodeDraws)"])
        throw OAuthError("server_error", "The request could not be completed; try again")
    }
}
