import Foundation
import Shared

/// What happens to an authorization request once it is parsed: sign-in, consent, then a code bound to the
/// grant. A device code entered at /device goes through the same consent and the same decision, ending in an
/// answer recorded for the polling device instead of a code (RFC 8628 §3.3). Route handlers only translate the
/// outcome into HTTP.
///
/// Consent is skipped only for a returning client asking for no more than the person approved, and only when
/// the client's identity can be assured: a public client redirecting to a loopback port or a private-use
/// scheme can be impersonated by any program on the person's device (RFC 8252 §8.6), so it is asked every time.
///
/// A request for elevation (`mfa`, or the MFA class in RFC 9470 `acr_values`) is never answered silently: the
/// consent page asks for a code entered for that request, whatever the person signed in with, and the code's
/// time becomes the tokens' `auth_time` (docs/tokens.md § MFA elevation). `max_age` older than the sign-in
/// asks for the password again (RFC 9470 §3).
///
/// Who may connect which apps (docs/security.md § Who may connect which apps): a client the tenant's app policy
/// refuses is refused before sign-in; a person without "may connect apps", or a client awaiting an admin's
/// approval (the first request recorded for the admins), is told so after sign-in on a page whose link takes
/// `access_denied` back to the app. Taking the permission away leaves the person's grants given before alone.
///
/// Errors found after the redirect URI is known go back to the client only when that redirect is trusted:
/// the operator pinned the client, or the signed-in person approved it before. Anyone can register a client
/// or publish a metadata document, so for anyone else our host would be an open redirector (RFC 9700
/// §4.11.2): the person sees the error instead.
public struct AuthorizationFlow: Sendable {
    let storage: any ClientStore & DeviceAuthorizationStore & GovernanceStore & GrantStore & LedgerStore
    let clients: ClientDirectory
    /// What the resource publishes: a scope of a switched-off module is never asked for nor granted.
    let resourceTools: ResourceToolCatalog

    public enum Outcome: Equatable, Sendable {
        /// 400 page: the redirect URI cannot be trusted with the error.
        case errorPage(String)
        /// 429 page: this address may not make us fetch another metadata document yet.
        case tooManyRequests(String)
        /// 302 to the client (a code, or an error), with `iss`.
        case redirect(String)
        /// 303 to the sign-in page, which comes back here.
        case signIn
        /// 303 to the consent page for this pending request.
        case consent(requestID: String)
        /// 403 page saying why; `back` is the redirect carrying `access_denied`, when one may be followed.
        case refused(ConnectRefusal, back: String?)
    }

    /// Where a code entered at /device leads.
    public enum DeviceConsent: Equatable, Sendable {
        case consent(requestID: String)
        /// The device was answered `access_denied`; the page says why.
        case refused(ConnectRefusal)
    }

    /// Where the person's answer on the consent page leads.
    public enum Decision: Equatable, Sendable {
        /// 302 to the client (a code, or an error), with `iss`.
        case redirect(String)
        /// The answer was recorded for the polling device: a page sends the person back to it.
        case deviceAnswered(approved: Bool, clientName: String)
    }

    /// The person behind the request, as the browser session knows them.
    public struct Person: Sendable {
        public let user: User
        public let authentication: Authentication

        public init(user: User, authentication: Authentication) {
            self.user = user
            self.authentication = authentication
        }
    }

    /// - Parameter address: where the request came from, charged for any metadata-document fetch.
    public func authorize(query: String?, tenant: Tenant, person: Person?, address: ClientAddress?, now: Date) async throws -> Outcome {
        let request: AuthorizationRequest
        switch try await AuthorizationRequest.parse(query: query, tenant: tenant, clients: clients, address: address, now: now) {
        case .failure(.untrusted(let message)): return .errorPage(message)
        case .failure(.tooManyFetches(let message)): return .tooManyRequests(message)
        case .failure(.redirect(let error, let client, let redirectURI, let state)):
            return try await refuse(error, client: client, redirectURI: redirectURI, state: state, person: person, tenant: tenant)
        case .success(let parsed): request = parsed
        }
        let governance = try await storage.tenantGovernance(tenantID: tenant.id)
        let refusal = ConnectRefusal.judging(request.client, by: governance.appPolicy)
        if let refusal, case .appRefused = refusal { return .refused(refusal, back: nil) }
        guard let person, Self.signInIsRecentEnough(person, for: request, now: now) else {
            if request.prompt.contains("none") { return try await refuse(request, .init("login_required", "Nobody is signed in"), person: nil, tenant: tenant) }
            return .signIn
        }
        if let refusal = try await connectRefusal(refusal, person: person, client: request.client, tenant: tenant, governance: governance, now: now) {
            let back = AuthorizationResponse.error(
                .accessDenied("The person may not connect this app"), redirectURI: request.redirectURI, state: request.state, issuer: tenant.issuer)
            return .refused(refusal, back: back)
        }
        let scopes = RequestedAccess.grantable(
            request.requestedScopes, for: person.user.role, published: await resourceTools.published(forResource: request.resource)?.scopes)
        let stepUp = request.asksForSecondFactor(scopes: scopes)
        let consented = try await storage.consentedScopes(tenantID: tenant.id, userID: person.user.id, clientID: request.client.id)
        if !request.prompt.contains("consent"), !stepUp, request.identityAssured, let consented, Set(scopes).isSubset(of: consented) {
            return .redirect(try await issueCode(request, scopes: scopes, person: person, tenant: tenant, remembered: true, address: address, now: now))
        }
        if request.prompt.contains("none") {
            // OpenID Connect Core §3.1.2.6: a code to enter is an interaction prompt=none forbids.
            let error = stepUp ? OAuthError("interaction_required", "A second factor must be entered") : OAuthError("consent_required", "The person has not consented")
            return try await refuse(request, error, person: person, tenant: tenant)
        }
        let requestID = OpaqueToken.make(.consentRequest)
        try await storage.insertPendingAuthorization(
            PendingAuthorization(
                tenantID: tenant.id, idHash: requestID.hash, userID: person.user.id, clientID: request.client.id,
                destination: .redirect(uri: request.redirectURI, state: request.state, codeChallenge: request.codeChallenge),
                resource: request.resource, scopes: scopes, stepUp: stepUp, expiresAt: now.addingTimeInterval(AuthPolicy.consentRequestLifetime)
            )
        )
        return .consent(requestID: requestID.value)
    }

    /// A device's request, entered by the signed-in person at /device: always the consent page, because whoever
    /// holds the device is not in front of this browser and a code can be phished (RFC 8628 §5.4). Returns the
    /// pending request's id, which lives no longer than the device's request, or, when the person may not
    /// connect this app, the refusal, the device having been answered `access_denied`. A device asking for `mfa` (`gatehouse
    /// elevate`) is asked for a code on that page like any app.
    public func consentToDevice(_ authorization: DeviceAuthorization, person: Person, tenant: Tenant, now: Date) async throws -> DeviceConsent {
        guard let client = try await storage.client(tenantID: tenant.id, id: authorization.clientID) else {
            throw AuthStorageError.corruptRow("device_authorization.client_id")
        }
        let governance = try await storage.tenantGovernance(tenantID: tenant.id)
        let judged = ConnectRefusal.judging(client, by: governance.appPolicy)
        if let refusal = try await connectRefusal(judged, person: person, client: client, tenant: tenant, governance: governance, now: now) {
            _ = try await storage.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: authorization.deviceCodeHash, approval: nil, at: now)
            return .refused(refusal)
        }
        let requestID = OpaqueToken.make(.consentRequest)
        let scopes = RequestedAccess.grantable(
            authorization.requestedScopes, for: person.user.role, published: await resourceTools.published(forResource: authorization.resource)?.scopes)
        try await storage.insertPendingAuthorization(
            PendingAuthorization(
                tenantID: tenant.id, idHash: requestID.hash, userID: person.user.id, clientID: authorization.clientID,
                destination: .device(codeHash: authorization.deviceCodeHash), resource: authorization.resource, scopes: scopes,
                stepUp: scopes.contains(Elevation.scope),
                expiresAt: min(now.addingTimeInterval(AuthPolicy.consentRequestLifetime), authorization.expiresAt)
            )
        )
        return .consent(requestID: requestID.value)
    }

    /// The refusal for a signed-in person: the policy's on the client, else their own permission first (a
    /// person who may not connect apps records no request for approval), then a client awaiting approval.
    private func connectRefusal(
        _ judged: ConnectRefusal?, person: Person, client: Client, tenant: Tenant, governance: TenantGovernance, now: Date
    ) async throws -> ConnectRefusal? {
        if case .appRefused? = judged { return judged }
        guard governance.mayConnect(person.user) else {
            return .mayNotConnect(askWhom: try await storage.administratorEmails(tenantID: tenant.id))
        }
        if case .awaitingApproval? = judged {
            try await storage.recordClientApprovalRequest(tenantID: tenant.id, id: client.id, userID: person.user.id, at: now)
        }
        return judged
    }

    /// What the consent page shows: the pending request and its client, for the person it was made for.
    public func pendingConsent(requestID: String, tenant: Tenant, user: User, now: Date) async throws -> (PendingAuthorization, Client)? {
        guard let pending = try await storage.pendingAuthorization(tenantID: tenant.id, idHash: OpaqueToken.hash(requestID), userID: user.id, at: now),
            let client = try await storage.client(tenantID: tenant.id, id: pending.clientID)
        else { return nil }
        return (pending, client)
    }

    /// The person's answer on the consent page, for a redirect or a device alike. `elevatedBy` is the second
    /// factor they entered on it, already checked; a request that asked for one is not allowed without. nil when
    /// the request is unknown, expired, or someone else's, or the device's request was answered or expired meanwhile.
    public func decide(
        requestID: String, allow: Bool, elevatedBy method: AuthenticationMethod? = nil, tenant: Tenant, person: Person, address: ClientAddress? = nil,
        now: Date
    ) async throws -> Decision? {
        let idHash = OpaqueToken.hash(requestID)
        if allow, let pending = try await storage.pendingAuthorization(tenantID: tenant.id, idHash: idHash, userID: person.user.id, at: now),
            pending.stepUp, method == nil
        {
            return nil
        }
        guard
            let pending = try await storage.takePendingAuthorization(tenantID: tenant.id, idHash: idHash, userID: person.user.id, at: now),
            let client = try await storage.client(tenantID: tenant.id, id: pending.clientID)
        else { return nil }
        // An admin may have decided while the consent page was open: their decision wins, as a denial.
        let governance = try await storage.tenantGovernance(tenantID: tenant.id)
        let allow = allow && governance.mayConnect(person.user) && governance.appPolicy.admission(of: client) == .admitted
        guard allow else {
            switch pending.destination {
            case .redirect(let uri, let state, _):
                return .redirect(
                    AuthorizationResponse.error(.accessDenied("The person declined"), redirectURI: uri, state: state, issuer: tenant.issuer))
            case .device(let codeHash):
                guard try await storage.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: codeHash, approval: nil, at: now) else {
                    return nil
                }
                return .deviceAnswered(approved: false, clientName: client.name)
            }
        }
        if case .device(let codeHash) = pending.destination {
            guard let device = try await storage.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: codeHash), device.status == .pending,
                device.isLive(at: now)
            else { return nil }
        }
        let previous = try await storage.consentedScopes(tenantID: tenant.id, userID: person.user.id, clientID: client.id) ?? []
        try await storage.saveConsent(
            tenantID: tenant.id, userID: person.user.id, clientID: client.id, scopes: previous.union(pending.scopes), at: now)
        var person = person
        if pending.stepUp, let method {
            person = Person(user: person.user, authentication: person.authentication.elevated(by: method, at: now))
        }
        switch pending.destination {
        case .redirect(let uri, let state, let codeChallenge):
            let request = AuthorizationRequest(
                client: client, redirectURI: uri, state: state, codeChallenge: codeChallenge, resource: pending.resource,
                requestedScopes: pending.scopes, prompt: []
            )
            return .redirect(try await issueCode(request, scopes: pending.scopes, person: person, tenant: tenant, remembered: false, address: address, now: now))
        case .device(let codeHash):
            let grant = try await authorise(
                client: client, resource: pending.resource, scopes: pending.scopes, person: person, tenant: tenant, remembered: false, address: address,
                now: now)
            let approval = DeviceAuthorization.Approval(
                userID: person.user.id, grantID: grant.id, scopes: pending.scopes, authentication: person.authentication)
            guard try await storage.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: codeHash, approval: approval, at: now) else {
                return nil
            }
            return .deviceAnswered(approved: true, clientName: client.name)
        }
    }

    /// One grant per person, client and resource: a returning client renews it, whether it comes back through the
    /// browser or a device, so connected apps show it once with its first and last authorisation. The ledger records
    /// the consent with the grant and when the person signed in, so the grant's timeline starts at that sign-in.
    private func authorise(
        client: Client, resource: String, scopes: [String], person: Person, tenant: Tenant, remembered: Bool, address: ClientAddress?, now: Date
    ) async throws -> Grant {
        var grant =
            try await storage.activeGrant(tenantID: tenant.id, userID: person.user.id, clientID: client.id, resource: resource)
            ?? Grant(
                tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: person.user.id, clientID: client.id,
                resource: resource, scopes: [], createdAt: now, lastAuthorisedAt: now
            )
        grant.scopes = Array(Set(grant.scopes).union(scopes)).sorted()
        grant.lastAuthorisedAt = now
        let signedIn = ISO8601DateFormatter().string(from: person.authentication.authTime)
        try await storage.saveGrant(
            grant,
            ledger: Ledger.entry(
                .consentGiven, tenantID: tenant.id, actorID: person.user.id, actorEmail: person.user.email, grantID: grant.id, clientID: client.id,
                address: address, detail: "\(scopes.joined(separator: " "))\(remembered ? " (remembered consent)" : ""); signed in \(signedIn)", at: now))
        try await storage.markClientUsed(tenantID: tenant.id, id: client.id, at: now)
        return grant
    }

    private func issueCode(
        _ request: AuthorizationRequest, scopes: [String], person: Person, tenant: Tenant, remembered: Bool, address: ClientAddress?, now: Date
    ) async throws -> String {
        let grant = try await authorise(
            client: request.client, resource: request.resource, scopes: scopes, person: person, tenant: tenant, remembered: remembered,
            address: address, now: now)
        let code = OpaqueToken.make(.authorizationCode)
        try await storage.insertAuthorizationCode(
            AuthorizationCodeRecord(
                tenantID: tenant.id, codeHash: code.hash, grantID: grant.id, clientID: request.client.id, userID: person.user.id,
                redirectURI: request.redirectURI, codeChallenge: request.codeChallenge, resource: request.resource, scopes: scopes,
                authentication: person.authentication, expiresAt: now.addingTimeInterval(AuthPolicy.authorizationCodeLifetime)
            )
        )
        return AuthorizationResponse.redirect(
            to: request.redirectURI, parameters: [("code", code.value), ("state", request.state)], issuer: tenant.issuer)
    }

    /// `prompt=login` wants a sign-in from the last few minutes, `max_age` one no older than it says.
    private static func signInIsRecentEnough(_ person: Person, for request: AuthorizationRequest, now: Date) -> Bool {
        let age = now.timeIntervalSince(person.authentication.authTime)
        if request.prompt.contains("login"), age >= AuthPolicy.freshSignIn { return false }
        if let maxAge = request.maxAge, age > TimeInterval(maxAge) { return false }
        return true
    }

    private func refuse(_ request: AuthorizationRequest, _ error: OAuthError, person: Person?, tenant: Tenant) async throws -> Outcome {
        try await refuse(error, client: request.client, redirectURI: request.redirectURI, state: request.state, person: person, tenant: tenant)
    }

    /// The error goes back to the client if its redirect is trusted, else onto a page of ours.
    private func refuse(
        _ error: OAuthError, client: Client, redirectURI: String, state: String?, person: Person?, tenant: Tenant
    ) async throws -> Outcome {
        let approved: Bool
        if client.isOperatorTrusted {
            approved = true
        } else if let person {
            approved = try await storage.consentedScopes(tenantID: tenant.id, userID: person.user.id, clientID: client.id) != nil
        } else {
            approved = false
        }
        guard approved else { return .errorPage("The app's request could not be accepted: \(error.description).") }
        return .redirect(AuthorizationResponse.error(error, redirectURI: redirectURI, state: state, issuer: tenant.issuer))
    }
}
