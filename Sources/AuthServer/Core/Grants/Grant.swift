import Foundation

/// Everything issued from one consent: codes, refresh tokens and the access tokens whose `sid` names it.
/// Ending a grant ends all of it at once (the person, an admin, or a replayed code or refresh token).
public struct Grant: Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var userID: String
    public var clientID: String
    public var resource: String
    /// Every scope consented within this grant; each refresh token carries its own subset.
    public var scopes: [String]
    public var createdAt: Date
    public var lastAuthorisedAt: Date
    public var revokedAt: Date?
    public var revocationReason: String?

    public var isActive: Bool { revokedAt == nil }
}

/// An authorization code (RFC 6749 §4.1.2): single use, short-lived, stored only as its SHA-256, bound
/// to the client, redirect URI, PKCE challenge (RFC 7636 §4.4) and resource (RFC 8707 §2.1).
public struct AuthorizationCodeRecord: Sendable, Equatable {
    public var tenantID: String
    public var codeHash: String
    public var grantID: String
    public var clientID: String
    public var userID: String
    public var redirectURI: String
    public var codeChallenge: String
    public var resource: String
    public var scopes: [String]
    public var authentication: Authentication
    public var expiresAt: Date
    public var usedAt: Date?
}

/// A refresh token as stored: its SHA-256, what it may be exchanged for, and, once rotated, the pair
/// that replaced it sealed under a key derived from the token itself, so a parallel refresh within the
/// grace window gets the same pair back without the server ever holding that pair in clear.
public struct RefreshTokenRecord: Sendable, Equatable {
    public var tenantID: String
    public var tokenHash: String
    public var grantID: String
    public var clientID: String
    public var scopes: [String]
    public var resource: String
    public var authentication: Authentication
    public var createdAt: Date
    public var expiresAt: Date
    public var rotatedAt: Date?
    public var successor: Data?
}

/// An authorization request waiting for the person's consent: between /oauth/authorize and /consent, or between
/// a device code entered at /device and /consent. Both answer on the same consent page, through the same decision.
public struct PendingAuthorization: Sendable, Equatable {
    /// Where the answer goes.
    public enum Destination: Sendable, Equatable {
        /// A code (or an error) to the client's redirect URI with its `state`, the code bound to the PKCE challenge
        /// (RFC 6749 §4.1.2).
        case redirect(uri: String, state: String?, codeChallenge: String)
        /// The device authorization with this device code hash, which the device is polling for (RFC 8628 §3.3).
        case device(codeHash: String)
    }

    public var tenantID: String
    public var idHash: String
    public var userID: String
    public var clientID: String
    public var destination: Destination
    public var resource: String
    public var scopes: [String]
    /// A code must be entered on the consent page (`mfa` asked for, or `acr_values` naming the MFA class).
    public var stepUp: Bool
    public var expiresAt: Date

    public init(
        tenantID: String, idHash: String, userID: String, clientID: String, destination: Destination, resource: String, scopes: [String],
        stepUp: Bool = false, expiresAt: Date
    ) {
        self.tenantID = tenantID
        self.idHash = idHash
        self.userID = userID
        self.clientID = clientID
        self.destination = destination
        self.resource = resource
        self.scopes = scopes
        self.stepUp = stepUp
        self.expiresAt = expiresAt
    }
}
