import Foundation

/// One device's request to sign in (RFC 8628 §3.1), from /oauth/device_authorization until the device has its
/// tokens or the request expires. Both codes are kept only as SHA-256: the device code is a bearer secret, and
/// the user code is looked up by the hash of what the person types.
public struct DeviceAuthorization: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Nobody has answered yet: the device is told `authorization_pending`.
        case pending
        case approved
        case denied
    }

    public var tenantID: String
    public var deviceCodeHash: String
    public var userCodeHash: String
    public var clientID: String
    /// Bound at the request, as at /oauth/authorize (RFC 8707 §2).
    public var resource: String
    /// The scopes the device asked for; nil when it named none, so the person's role decides at approval.
    public var requestedScopes: [String]?
    public var createdAt: Date
    public var expiresAt: Date
    /// Seconds the device must wait between polls; `slow_down` lengthens it (RFC 8628 §3.5).
    public var interval: Int
    public var lastPolledAt: Date?
    public var status: Status
    /// Set by the approval: who approved, the grant it renewed or made, what it granted, and how the person
    /// proved themselves (the tokens' `auth_time`, `amr` and any elevation entered on the consent page).
    public var userID: String?
    public var grantID: String?
    public var scopes: [String]
    public var authentication: Authentication?
    /// When the device collected its tokens: they are issued once.
    public var tokensIssuedAt: Date?

    public init(
        tenantID: String, deviceCodeHash: String, userCodeHash: String, clientID: String, resource: String, requestedScopes: [String]?,
        createdAt: Date, expiresAt: Date, interval: Int, lastPolledAt: Date? = nil, status: Status = .pending, userID: String? = nil,
        grantID: String? = nil, scopes: [String] = [], authentication: Authentication? = nil, tokensIssuedAt: Date? = nil
    ) {
        self.tenantID = tenantID
        self.deviceCodeHash = deviceCodeHash
        self.userCodeHash = userCodeHash
        self.clientID = clientID
        self.resource = resource
        self.requestedScopes = requestedScopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.interval = interval
        self.lastPolledAt = lastPolledAt
        self.status = status
        self.userID = userID
        self.grantID = grantID
        self.scopes = scopes
        self.authentication = authentication
        self.tokensIssuedAt = tokensIssuedAt
    }

    public func isLive(at now: Date) -> Bool { expiresAt > now }

    /// What the person's approval records on the request.
    public struct Approval: Sendable, Equatable {
        public var userID: String
        public var grantID: String
        public var scopes: [String]
        public var authentication: Authentication

        public init(userID: String, grantID: String, scopes: [String], authentication: Authentication) {
            self.userID = userID
            self.grantID = grantID
            self.scopes = scopes
            self.authentication = authentication
        }
    }

    /// Records a poll at `at`: one sooner than the interval after the last (less `AuthPolicy.DeviceFlow.pollingTolerance`)
    /// adds `slowDownIncrement` seconds to the interval (RFC 8628 §3.5). Returns whether it came too soon. Both stores
    /// apply it inside the transaction that reads and writes the request.
    mutating func recordPoll(at: Date, slowDownIncrement: Int) -> Bool {
        let tooSoon = lastPolledAt.map { at.timeIntervalSince($0) < TimeInterval(interval) - AuthPolicy.DeviceFlow.pollingTolerance } ?? false
        if tooSoon { interval += slowDownIncrement }
        lastPolledAt = at
        return tooSoon
    }
}
