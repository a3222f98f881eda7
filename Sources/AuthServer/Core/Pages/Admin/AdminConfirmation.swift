import Foundation
import Hummingbird
import Shared

/// Every change on the admin pages needs a second factor entered within the elevation window
/// (`GATEHOUSE_ELEVATION_SECONDS`, docs/tokens.md § MFA elevation): a signed-in browser left open, or a stolen
/// session cookie, must not be enough to disable people or let apps in. Signing in with a code counts; after the
/// window, each change form asks for a code again, and a right one counts for another window (the session's
/// `authTime` moves on, as OIDC's `auth_time` does on re-authentication).
struct AdminConfirmation: Sendable {
    let pages: PageServices
    let windowSeconds: Int

    enum State: Equatable {
        /// Changes need no code until then.
        case fresh(until: Date)
        case needsCode
        /// The admin has no second factor: they must turn one on before they can change anything.
        case noSecondFactor
    }

    /// The second factor the session's last proof used (a code or a recovery code), nil for a password alone.
    private static func secondFactor(of session: BrowserSession) -> String? {
        session.authenticationMethods.first { $0 == AuthenticationMethod.oneTimePassword.rawValue || $0 == AuthenticationMethod.recoveryCode.rawValue }
    }

    func state(of signedIn: SignedInSession) async throws -> State {
        let until = signedIn.session.authTime.addingTimeInterval(TimeInterval(windowSeconds))
        if Self.secondFactor(of: signedIn.session) != nil, until > pages.now() { return .fresh(until: until) }
        return try await pages.secondFactor.isEnrolled(signedIn.user) ? .needsCode : .noSecondFactor
    }

    /// The admin's sign-in as a token minted for them states it, with their second factor as an elevation while it
    /// is within the window (what the resource-server's admin API asks of a change).
    func authentication(of signedIn: SignedInSession) -> Authentication {
        let session = signedIn.session
        let byCode = Self.secondFactor(of: session)
        return Authentication(authTime: session.authTime, methods: session.authenticationMethods, elevatedAt: byCode.map { _ in session.authTime }, elevatedBy: byCode)
    }

    /// Why a change was not made, shown on the page it came from; the form's other fields are not lost: they
    /// are on the page again.
    struct Refusal: Error {
        let message: String
        var status: HTTPResponse.Status = .forbidden
        var headers: HTTPFields = [:]
    }

    /// Returns when the change may go ahead: the session is fresh, or the form's `code` is right (throttled like
    /// sign-in, so a borrowed session cannot guess it), which makes the session fresh again. Else throws `Refusal`.
    /// - Returns: the session as it now stands.
    func require(_ signedIn: SignedInSession, form: PageForm, address: ClientAddress?) async throws -> SignedInSession {
        switch try await state(of: signedIn) {
        case .fresh: return signedIn
        case .noSecondFactor:
            throw Refusal(message: "Changes here need two-step sign-in. Turn it on on your security page first.")
        case .needsCode:
            break
        }
        guard let code = form["code"], !code.isEmpty else {
            throw Refusal(message: "Enter the code from your authenticator app to make this change.")
        }
        let keys: [SignInThrottle.Key] = [.account(tenantID: signedIn.user.tenantID, email: signedIn.user.email), .client(address)]
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            throw Refusal(
                message: LoginPage.throttledMessage(retryAfter: retryAfter), status: .tooManyRequests, headers: Response.retryAfterHeaders(retryAfter))
        }
        guard let method = try await pages.verifySecondFactor(signedIn.user, code: code) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            throw Refusal(message: "That code is not right. Enter the code your authenticator app shows now; nothing was changed.")
        }
        try await pages.throttle.recordSuccess(for: keys[0])
        var session = signedIn.session
        (session.authTime, session.authenticationMethods) = (pages.now(), [AuthenticationMethod.password, method, .multiFactor].map(\.rawValue))
        try await pages.storage.reauthenticateSession(
            tenantID: session.tenantID, idHash: session.idHash, at: session.authTime, authenticationMethods: session.authenticationMethods)
        return SignedInSession(session: session, user: signedIn.user, secret: signedIn.secret)
    }
}
