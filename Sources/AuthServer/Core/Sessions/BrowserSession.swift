import Foundation

/// A person signed in through the browser. The cookie carries a 256-bit random id; the server keeps only its
/// SHA-256 (`idHash`), so a copy of the database cannot be replayed as cookies.
public struct BrowserSession: Sendable, Equatable {
    public var tenantID: String
    public var idHash: String
    public var userID: String
    public var createdAt: Date
    public var lastSeenAt: Date
    /// When the person last proved who they are (the OIDC `auth_time`): at sign-in, and again whenever they enter a
    /// second factor to confirm an administrator's change.
    public var authTime: Date
    /// How they proved it (RFC 8176 values): ["pwd"], or ["pwd", "otp"] after a second factor.
    public var authenticationMethods: [String]

    public init(
        tenantID: String, idHash: String, userID: String, createdAt: Date, lastSeenAt: Date, authTime: Date,
        authenticationMethods: [String]
    ) {
        self.tenantID = tenantID
        self.idHash = idHash
        self.userID = userID
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.authTime = authTime
        self.authenticationMethods = authenticationMethods
    }

    /// Alive while younger than the absolute lifetime and seen within the idle timeout (AuthPolicy.Sessions).
    public func isAlive(at now: Date) -> Bool {
        now.timeIntervalSince(createdAt) < AuthPolicy.Sessions.absoluteLifetime
            && now.timeIntervalSince(lastSeenAt) < AuthPolicy.Sessions.idleTimeout
    }
}

/// A sign-in whose password was right and whose second factor is still to come. It is not a session: nothing
/// but the second-factor page accepts it, and it dies after `AuthPolicy.Sessions.pendingSignInLifetime`.
public struct PendingSignIn: Sendable, Equatable {
    public var tenantID: String
    /// SHA-256 of the sign-in cookie's value.
    public var idHash: String
    public var userID: String
    /// Where to go once signed in; already checked by `ReturnPath`.
    public var returnTo: String
    public var createdAt: Date

    public init(tenantID: String, idHash: String, userID: String, returnTo: String, createdAt: Date) {
        self.tenantID = tenantID
        self.idHash = idHash
        self.userID = userID
        self.returnTo = returnTo
        self.createdAt = createdAt
    }

    public func isAlive(at now: Date) -> Bool {
        now.timeIntervalSince(createdAt) < AuthPolicy.Sessions.pendingSignInLifetime
    }
}
