import Foundation
import Logging
import Shared

/// The token endpoint's device code grant (RFC 8628 §3.4): the device polls with its device code and is told,
/// in this order, that the code is not its own (`invalid_grant`), has expired (`expired_token`), came sooner
/// than its interval (`slow_down`, which adds `AuthPolicy.DeviceFlow.slowDownIncrement` seconds to that device's
/// interval for good), was denied (`access_denied`), or is still waiting (`authorization_pending`), as §3.5 names
/// them. An approved code buys tokens once; presented again afterwards it ends the grant, as a reused
/// authorization code does (RFC 6749 §4.1.2), because one of the two presenters stole it.
struct DeviceCodeGrant: Sendable {
    let storage: any DeviceAuthorizationStore & GrantStore
    let minter: TokenMinter
    let logger: Logger

    func exchange(_ form: FormParameters, client: Client, tenant: Tenant, now: Date) async throws -> TokenResponse {
        guard client.grantTypes.contains(DeviceCodeGrantType.urn) else {
            throw OAuthError.unauthorizedClient("The client did not register the grant type \(DeviceCodeGrantType.urn)")
        }
        guard let code = try form.single("device_code") else { throw OAuthError.invalidRequest("device_code is required") }
        let codeHash = OpaqueToken.hash(code)
        guard
            let (authorization, tooSoon) = try await storage.recordDevicePoll(
                tenantID: tenant.id, deviceCodeHash: codeHash, clientID: client.id, at: now, slowDownIncrement: AuthPolicy.DeviceFlow.slowDownIncrement)
        else { throw OAuthError.invalidGrant("The device code is not valid") }
        if authorization.tokensIssuedAt != nil { try await endGrantForReplay(authorization, now: now) }
        guard authorization.isLive(at: now) else {
            throw OAuthError("expired_token", "The device code has expired; start signing in again")
        }
        if case .invalidTarget(let reason) = ResourceIndicator.resolve(form.all("resource"), tenantResource: authorization.resource) {
            throw OAuthError.invalidTarget(reason)
        }
        if tooSoon {
            throw OAuthError.slowDown("Polled sooner than the interval; wait \(authorization.interval) seconds between requests from now on")
        }
        switch authorization.status {
        case .pending: throw OAuthError("authorization_pending", "The person has not answered yet")
        case .denied: throw OAuthError.accessDenied("The person denied the request")
        case .approved: break
        }
        guard let grantID = authorization.grantID, let userID = authorization.userID, let authentication = authorization.authentication else {
            throw AuthStorageError.corruptRow("device_authorization approval")
        }
        guard try await storage.spendDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: codeHash, at: now) else {
            try await endGrantForReplay(authorization, now: now)
        }
        return try await minter.mintApproved(
            grantID: grantID, userID: userID, client: client, tenant: tenant, resource: authorization.resource, scopes: authorization.scopes,
            authentication: authentication, now: now)
    }

    private func endGrantForReplay(_ authorization: DeviceAuthorization, now: Date) async throws -> Never {
        if let grantID = authorization.grantID,
            try await storage.revokeGrant(tenantID: authorization.tenantID, id: grantID, reason: "device code reused", at: now)
        {
            logger.warning("device code presented after its tokens were issued; grant ended", metadata: ["grant": "\(grantID)", "client": "\(authorization.clientID)"])
        }
        throw OAuthError.invalidGrant("The device code has already been used")
    }
}
