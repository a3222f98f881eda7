import Foundation
import Hummingbird
import Shared

/// Two-step sign-in on /account/security: turning it on (the password, then the first right code), new
/// recovery codes and turning it off (each with a current code). Every password and code is throttled like
/// sign-in, so a borrowed session cannot guess them; turning it on needs the password, so someone at an
/// unlocked screen cannot tie the account to their own phone.
struct TwoStepRoutes {
    static let startPath = "/account/security/two-step/start"
    static let confirmPath = "/account/security/two-step/confirm"
    static let offPath = "/account/security/two-step/off"
    static let recoveryCodesPath = "/account/security/two-step/recovery-codes"

    let pages: PageServices

    func add(to router: Router<AuthRequestContext>) {
        router.post(RouterPath(Self.startPath)) { request, context in try await start(request, context) }
        router.post(RouterPath(Self.confirmPath)) { request, context in try await confirm(request, context) }
        router.post(RouterPath(Self.offPath)) { request, context in try await turnOff(request, context) }
        router.post(RouterPath(Self.recoveryCodesPath)) { request, context in try await renewRecoveryCodes(request, context) }
    }

    /// The security page as it stands for the person, with what just happened.
    static func securityPage(
        _ pages: PageServices, _ signedIn: SignedInSession, notice: String? = nil, problem: String? = nil, twoStepNotice: String? = nil,
        twoStepProblem: String? = nil, returnTo: String = AccountFrame.Section.security.rawValue, status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) async throws -> Response {
        let isOn = try await pages.secondFactor.isEnrolled(signedIn.user)
        let left = isOn ? try await pages.secondFactor.unusedRecoveryCodes(signedIn.user) : 0
        return pages.renderer.response(
            AccountSecurityPage(
                signedIn: signedIn, twoStep: .init(isOn: isOn, recoveryCodesLeft: left), notice: notice, problem: problem,
                twoStepNotice: twoStepNotice, twoStepProblem: twoStepProblem, returnTo: returnTo),
            status: status, headers: headers)
    }

    /// A form of this page from a signed-in person with a valid CSRF token, or where they go instead.
    private func signedInForm(_ request: Request, _ context: AuthRequestContext) async throws -> (SignedInSession, Tenant, PageForm)? {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return nil }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        return (signedIn, tenant, form)
    }

    private func throttleKeys(_ signedIn: SignedInSession, _ context: AuthRequestContext) -> [SignInThrottle.Key] {
        [.account(tenantID: signedIn.user.tenantID, email: signedIn.user.email), .client(context.clientAddress)]
    }

    /// The 429 answer when the throttle refuses, nil to go ahead (after its delay).
    private func throttled(_ signedIn: SignedInSession, _ keys: [SignInThrottle.Key], returnTo: String) async throws -> Response? {
        guard let retryAfter = try await pages.applyThrottle(to: keys) else { return nil }
        return try await Self.securityPage(
            pages, signedIn, twoStepProblem: LoginPage.throttledMessage(retryAfter: retryAfter), returnTo: returnTo, status: .tooManyRequests,
            headers: Response.retryAfterHeaders(retryAfter))
    }

    func start(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        guard let (signedIn, tenant, form) = try await signedInForm(request, context) else { return .toSignIn(from: request) }
        let returnTo = ReturnPath.sanitise(form["return_to"])
        let keys = throttleKeys(signedIn, context)
        if let refusal = try await throttled(signedIn, keys, returnTo: returnTo) { return refusal }
        let password = form["current_password"] ?? ""
        guard password.count <= AuthPolicy.Passwords.maximumLength, try await pages.credentials.isPassword(password, of: signedIn.user) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            return try await Self.securityPage(pages, signedIn, twoStepProblem: "That is not your password.", returnTo: returnTo)
        }
        guard let enrolment = try await pages.secondFactor.beginEnrolment(signedIn.user) else {
            return try await Self.securityPage(pages, signedIn, twoStepNotice: "Two-step sign-in is already on.")
        }
        return pages.renderer.response(TwoStepEnrolmentPage(signedIn: signedIn, enrolment: enrolment, issuer: tenant.issuer, returnTo: returnTo))
    }

    func confirm(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        guard let (signedIn, tenant, form) = try await signedInForm(request, context) else { return .toSignIn(from: request) }
        let returnTo = ReturnPath.sanitise(form["return_to"])
        guard let enrolment = try await pages.secondFactor.pendingEnrolment(signedIn.user) else { return .seeOther(AccountFrame.Section.security.rawValue) }
        let keys = throttleKeys(signedIn, context)
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            return pages.renderer.response(
                TwoStepEnrolmentPage(
                    signedIn: signedIn, enrolment: enrolment, issuer: tenant.issuer, returnTo: returnTo,
                    problem: LoginPage.throttledMessage(retryAfter: retryAfter)),
                status: .tooManyRequests, headers: Response.retryAfterHeaders(retryAfter))
        }
        let code = (form["code"] ?? "").filter { !$0.isWhitespace }
        guard code.count <= AuthPolicy.Pages.maximumCodeLength, let codes = try await pages.secondFactor.confirmEnrolment(signedIn.user, code: code) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            return pages.renderer.response(
                TwoStepEnrolmentPage(
                    signedIn: signedIn, enrolment: enrolment, issuer: tenant.issuer, returnTo: returnTo,
                    problem: "That code is not right. Check the app shows Gatehouse's code, and enter the current one."))
        }
        try await pages.throttle.recordSuccess(for: keys[0])
        return pages.renderer.response(RecoveryCodesPage(signedIn: signedIn, codes: codes, issuer: tenant.issuer, continueTo: returnTo, justTurnedOn: true))
    }

    func turnOff(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        guard let (signedIn, _, form) = try await signedInForm(request, context) else { return .toSignIn(from: request) }
        let keys = throttleKeys(signedIn, context)
        if let refusal = try await throttled(signedIn, keys, returnTo: AccountFrame.Section.security.rawValue) { return refusal }
        guard try await verifiedCode(form, of: signedIn, keys: keys, { try await pages.secondFactor.turnOff(signedIn.user, code: $0) }) else {
            return try await Self.securityPage(pages, signedIn, twoStepProblem: "That code is not right, so two-step sign-in is still on.")
        }
        return try await Self.securityPage(
            pages, signedIn, twoStepNotice: "Two-step sign-in is off, and no app may perform high-trust actions for you until you turn it on again.")
    }

    func renewRecoveryCodes(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        guard let (signedIn, tenant, form) = try await signedInForm(request, context) else { return .toSignIn(from: request) }
        let keys = throttleKeys(signedIn, context)
        if let refusal = try await throttled(signedIn, keys, returnTo: AccountFrame.Section.security.rawValue) { return refusal }
        var codes: [String]?
        guard try await verifiedCode(form, of: signedIn, keys: keys, { code in
            codes = try await pages.secondFactor.renewRecoveryCodes(signedIn.user, code: code)
            return codes != nil
        }), let codes else {
            return try await Self.securityPage(pages, signedIn, twoStepProblem: "That code is not right; your recovery codes are unchanged.")
        }
        return pages.renderer.response(
            RecoveryCodesPage(signedIn: signedIn, codes: codes, issuer: tenant.issuer, continueTo: AccountFrame.Section.security.rawValue, justTurnedOn: false))
    }

    /// Runs `action` with the form's code, counting a refusal against the throttle.
    private func verifiedCode(
        _ form: PageForm, of signedIn: SignedInSession, keys: [SignInThrottle.Key], _ action: (String) async throws -> Bool
    ) async throws -> Bool {
        let code = (form["code"] ?? "").filter { !$0.isWhitespace }
        guard code.count <= AuthPolicy.Pages.maximumCodeLength, try await action(code) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            return false
        }
        try await pages.throttle.recordSuccess(for: keys[0])
        return true
    }
}
