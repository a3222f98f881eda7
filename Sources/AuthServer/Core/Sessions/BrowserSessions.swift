import Foundation
import Hummingbird
import Shared

/// Starts, finds and ends browser sessions (policy in `AuthPolicy.Sessions`).
public struct BrowserSessions: Sendable {
    let storage: any BrowserSessionStore & UserStore
    let now: @Sendable () -> Date

    public init(storage: any BrowserSessionStore & UserStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.storage = storage
        self.now = now
    }

    /// The live session the request's cookie names, or nil. A dead one (idle, too old, or its person gone) is
    /// deleted on sight; a live one has its last-seen moved on, at most once per `lastSeenGranularity`.
    public func resolve(_ request: Request, tenant: Tenant) async throws -> SignedInSession? {
        guard let secret = BrowserCookie.session.secret(in: request, tenant: tenant),
            let session = try await storage.session(tenantID: tenant.id, idHash: secret.hash)
        else { return nil }
        let now = now()
        guard session.isAlive(at: now), let user = try await storage.user(tenantID: tenant.id, id: session.userID) else {
            try await storage.deleteSession(tenantID: tenant.id, idHash: session.idHash)
            return nil
        }
        var touched = session
        if now.timeIntervalSince(session.lastSeenAt) >= AuthPolicy.Sessions.lastSeenGranularity {
            touched.lastSeenAt = now
            try await storage.touchSession(tenantID: tenant.id, idHash: session.idHash, lastSeenAt: now)
        }
        return SignedInSession(session: touched, user: user, secret: secret)
    }

    /// Signs the person in with a session id never seen before (so a planted id is worthless: no fixation),
    /// ends the session the request carried, and forgets the tenant's expired sessions while at it.
    /// - Returns: the cookies to set: the new session, and the sign-in cookie dropped.
    public func start(
        for user: User, authenticationMethods: [String], request: Request, tenant: Tenant
    ) async throws -> [Cookie] {
        let now = now()
        if let previous = BrowserCookie.session.secret(in: request, tenant: tenant) {
            try await storage.deleteSession(tenantID: tenant.id, idHash: previous.hash)
        }
        try await storage.deleteExpiredSessions(
            tenantID: tenant.id, idleBefore: now.addingTimeInterval(-AuthPolicy.Sessions.idleTimeout),
            createdBefore: now.addingTimeInterval(-AuthPolicy.Sessions.absoluteLifetime),
            pendingBefore: now.addingTimeInterval(-AuthPolicy.Sessions.pendingSignInLifetime))
        let secret = CookieSecret()
        try await storage.insertSession(
            BrowserSession(
                tenantID: tenant.id, idHash: secret.hash, userID: user.id, createdAt: now, lastSeenAt: now, authTime: now,
                authenticationMethods: authenticationMethods))
        return [BrowserCookie.session.cookie(secret, for: tenant), BrowserCookie.signIn.expired(for: tenant)]
    }

    /// Signs out: the session is deleted, and the returned cookie drops it from the browser.
    public func end(_ signedIn: SignedInSession, tenant: Tenant) async throws -> Cookie {
        try await storage.deleteSession(tenantID: tenant.id, idHash: signedIn.session.idHash)
        return BrowserCookie.session.expired(for: tenant)
    }

    /// Ends every other session of the person (after a change of password), keeping this one.
    public func endOthers(of signedIn: SignedInSession) async throws {
        try await storage.deleteSessions(
            tenantID: signedIn.session.tenantID, userID: signedIn.user.id, except: signedIn.session.idHash)
    }
}
