import Foundation
import Hummingbird
import Shared

/// GET/POST /login, GET/POST /login/second-factor and POST /logout. The sign-in forms are bound to the
/// sign-in cookie (see `CSRFToken`); a right password either starts a session or, for a person with a second
/// factor, a `PendingSignIn` keyed by a fresh sign-in cookie, which only /login/second-factor accepts.
struct SignInRoutes {
    static let loginPath = "/login"
    static let secondFactorPath = "/login/second-factor"
    static let logoutPath = "/logout"

    let pages: PageServices

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.loginPath)) { request, context in try await showLogin(request, context) }
        router.post(RouterPath(Self.loginPath)) { request, context in try await submitLogin(request, context) }
        router.get(RouterPath(Self.secondFactorPath)) { request, context in try await showSecondFactor(request, context) }
        router.post(RouterPath(Self.secondFactorPath)) { request, context in try await submitSecondFactor(request, context) }
        router.post(RouterPath(Self.logoutPath)) { request, context in try await logout(request, context) }
    }

    func showLogin(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let returnTo = ReturnPath.sanitise(request.uri.queryParameters["return_to"].map(String.init))
        if context.signedIn != nil { return .seeOther(returnTo) }
        // The cookie is set again even when present, so its lifetime starts over with the form it binds.
        let secret = BrowserCookie.signIn.secret(in: request, tenant: tenant) ?? CookieSecret()
        var response = pages.renderer.response(LoginPage(csrfToken: CSRFToken.make(boundTo: secret), returnTo: returnTo))
        response.setCookie(BrowserCookie.signIn.cookie(secret, for: tenant))
        return response
    }

    func submitLogin(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        let secret = try signInSecret(request, tenant: tenant, form: form)
        let returnTo = ReturnPath.sanitise(form["return_to"])
        let email = form["email"] ?? ""
        let password = form["password"] ?? ""
        func page(_ message: String) -> LoginPage {
            LoginPage(csrfToken: CSRFToken.make(boundTo: secret), returnTo: returnTo, email: email, message: message)
        }

        // The ledger keeps the email that was tried, known or not (bounded, never the password).
        func failed(_ outcome: String, user: User? = nil) async {
            await pages.ledger.record(
                .signInFailed, tenantID: tenant.id, actorID: user?.id, actorEmail: User.normalise(email: email), outcome: outcome,
                address: context.clientAddress, at: pages.now())
        }
        let account = SignInThrottle.Key.account(tenantID: tenant.id, rawEmail: email)
        let keys = [account, .client(context.clientAddress)]
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            await failed("throttled")
            return pages.renderer.response(
                page(LoginPage.throttledMessage(retryAfter: retryAfter)), status: .tooManyRequests,
                headers: Response.retryAfterHeaders(retryAfter))
        }
        // Oversized input is no one's password: refused without a lookup, with the same answer as any failure.
        let plausible = email.utf8.count <= AuthPolicy.Pages.maximumEmailLength && password.count <= AuthPolicy.Passwords.maximumLength
        let outcome = plausible ? try await pages.credentials.attempt(tenantID: tenant.id, email: email, password: password) : .unknownPerson
        guard case .matched(let user) = outcome else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            if case .wrongPassword(let user) = outcome { await failed("wrong_password", user: user) } else { await failed("unknown_person") }
            return pages.renderer.response(page(LoginPage.failureMessage))
        }
        // Told only to someone who knew the password: an administrator disabled them, and they should know whom to ask.
        guard !user.isDisabled else {
            await failed("disabled", user: user)
            return pages.renderer.response(page(LoginPage.disabledMessage), status: .forbidden)
        }
        try await pages.throttle.recordSuccess(for: account)

        guard try await pages.secondFactor.isEnrolled(user) else {
            await pages.ledger.record(
                .signInSucceeded, tenantID: tenant.id, actorID: user.id, actorEmail: user.email, address: context.clientAddress, detail: "password",
                at: pages.now())
            let cookies = try await pages.sessions.start(
                for: user, authenticationMethods: [AuthenticationMethod.password.rawValue], request: request, tenant: tenant)
            // An administrator turned the person's second factor off since they last signed in: say so once.
            guard let resetAt = try await pages.storage.takeSecondFactorResetNotice(tenantID: tenant.id, userID: user.id) else {
                return .seeOther(returnTo, cookies: cookies)
            }
            var response = pages.renderer.response(SecondFactorResetNoticePage(resetAt: resetAt, continueTo: returnTo))
            for cookie in cookies { response.setCookie(cookie) }
            return response
        }
        // Half signed in: a new sign-in cookie keys the pending state, so a cookie planted before cannot follow it.
        let pending = CookieSecret()
        try await pages.storage.insertPendingSignIn(
            PendingSignIn(tenantID: tenant.id, idHash: pending.hash, userID: user.id, returnTo: returnTo, createdAt: pages.now()))
        return .seeOther(Self.secondFactorPath, cookies: [BrowserCookie.signIn.cookie(pending, for: tenant)])
    }

    func showSecondFactor(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        guard let secret = BrowserCookie.signIn.secret(in: request, tenant: tenant),
            try await pendingSignIn(secret, tenant: tenant) != nil
        else { return .seeOther(Self.loginPath) }
        return pages.renderer.response(SecondFactorPage(csrfToken: CSRFToken.make(boundTo: secret)))
    }

    func submitSecondFactor(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        let secret = try signInSecret(request, tenant: tenant, form: form)
        guard let pending = try await pendingSignIn(secret, tenant: tenant),
            let user = try await pages.storage.user(tenantID: tenant.id, id: pending.userID)
        else { return .seeOther(Self.loginPath) }
        func page(_ message: String) -> SecondFactorPage { SecondFactorPage(csrfToken: CSRFToken.make(boundTo: secret), message: message) }

        let account = SignInThrottle.Key.account(tenantID: tenant.id, email: user.email)
        let keys = [account, .client(context.clientAddress)]
        func failed(_ outcome: String) async {
            await pages.ledger.record(
                .signInFailed, tenantID: tenant.id, actorID: user.id, actorEmail: user.email, outcome: outcome, address: context.clientAddress,
                detail: "second factor", at: pages.now())
        }
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            await failed("throttled")
            return pages.renderer.response(
                page(LoginPage.throttledMessage(retryAfter: retryAfter)), status: .tooManyRequests,
                headers: Response.retryAfterHeaders(retryAfter))
        }
        guard let method = try await pages.verifySecondFactor(user, code: form["code"]) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            await failed("wrong_code")
            return pages.renderer.response(page(SecondFactorPage.failureMessage))
        }
        try await pages.throttle.recordSuccess(for: account)
        await pages.ledger.record(
            .signInSucceeded, tenantID: tenant.id, actorID: user.id, actorEmail: user.email, address: context.clientAddress,
            detail: "password and \(method.rawValue)", at: pages.now())
        try await pages.storage.deletePendingSignIn(tenantID: tenant.id, idHash: pending.idHash)
        let methods = [AuthenticationMethod.password, method, .multiFactor].map(\.rawValue)
        return try await signIn(user, authenticationMethods: methods, returnTo: pending.returnTo, request: request, tenant: tenant)
    }

    func logout(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .seeOther(Self.loginPath) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        return .seeOther(Self.loginPath, cookies: [try await pages.sessions.end(signedIn, tenant: tenant)])
    }

    /// The sign-in cookie, if the form's CSRF token belongs to it; else the 403 page.
    private func signInSecret(_ request: Request, tenant: Tenant, form: PageForm) throws -> CookieSecret {
        guard let secret = BrowserCookie.signIn.secret(in: request, tenant: tenant),
            CSRFToken.isValid(form[CSRFToken.fieldName], boundTo: secret)
        else { throw ErrorPage.csrfFailure }
        return secret
    }

    /// The live half-done sign-in the cookie keys; a dead one is deleted.
    private func pendingSignIn(_ secret: CookieSecret, tenant: Tenant) async throws -> PendingSignIn? {
        guard let pending = try await pages.storage.pendingSignIn(tenantID: tenant.id, idHash: secret.hash) else { return nil }
        guard pending.isAlive(at: pages.now()) else {
            try await pages.storage.deletePendingSignIn(tenantID: tenant.id, idHash: pending.idHash)
            return nil
        }
        return pending
    }

    private func signIn(
        _ user: User, authenticationMethods: [String], returnTo: String, request: Request, tenant: Tenant
    ) async throws -> Response {
        let cookies = try await pages.sessions.start(
            for: user, authenticationMethods: authenticationMethods, request: request, tenant: tenant)
        return .seeOther(returnTo, cookies: cookies)
    }
}
