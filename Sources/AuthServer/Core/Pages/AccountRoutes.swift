import Hummingbird
import Shared

/// /account, /account/security with its change of password, and /account/connect. Connected apps (/account/apps)
/// and access tokens (/account/tokens) belong to the grants code. Without a session every account page sends the person to
/// sign in and back.
struct AccountRoutes {
    let pages: PageServices

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(AccountFrame.Section.overview.rawValue)) { request, context in
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            return pages.renderer.response(AccountPage(signedIn: signedIn))
        }
        router.get(RouterPath(AccountFrame.Section.security.rawValue)) { request, context in
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            let returnTo = ReturnPath.sanitise(request.uri.queryParameters["return_to"].map(String.init) ?? AccountFrame.Section.security.rawValue)
            return try await TwoStepRoutes.securityPage(pages, signedIn, returnTo: returnTo)
        }
        router.post(RouterPath(AccountFrame.Section.security.rawValue)) { request, context in
            try await changePassword(request, context)
        }
        router.get(RouterPath(AccountFrame.Section.connect.rawValue)) { request, context in
            let tenant = try context.pageTenant()
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            return pages.renderer.response(ConnectPage(signedIn: signedIn, mcpURL: tenant.resource))
        }
    }

    /// Verifies the current password (throttled like sign-in, so a borrowed session cannot guess it), applies
    /// `PasswordRules`, stores the new argon2id hash, and ends the person's other sessions, keeping this one.
    /// With `disconnect_apps` (ticked by default), it also ends every app's grant: a password is often changed
    /// because someone else had it, and an app they connected would outlive the change.
    func changePassword(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        let current = form["current_password"] ?? ""
        let new = form["new_password"] ?? ""
        func refusal(_ problem: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) async throws -> Response {
            try await TwoStepRoutes.securityPage(pages, signedIn, problem: problem, status: status, headers: headers)
        }

        if let problem = PasswordRules.problem(new: new, confirmation: form["confirm_password"] ?? "", current: current) {
            return try await refusal(problem.message)
        }
        let keys: [SignInThrottle.Key] = [.account(tenantID: tenant.id, email: signedIn.user.email), .client(context.clientAddress)]
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            return try await refusal(LoginPage.throttledMessage(retryAfter: retryAfter), status: .tooManyRequests, headers: Response.retryAfterHeaders(retryAfter))
        }
        guard current.count <= AuthPolicy.Passwords.maximumLength, try await pages.credentials.isPassword(current, of: signedIn.user) else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            return try await refusal("The current password is not right.")
        }
        guard
            try await pages.storage.updatePasswordHash(
                tenantID: tenant.id, userID: signedIn.user.id, passwordHash: try await PasswordHasher.offloaded { try PasswordHasher.hash(new) })
        else { throw ErrorPage.notFound }
        try await pages.sessions.endOthers(of: signedIn)
        guard form["disconnect_apps"] == "yes" else {
            return try await TwoStepRoutes.securityPage(pages, signedIn, notice: "Your password was changed, and you were signed out everywhere else.")
        }
        let ended = try await pages.storage.revokeGrants(
            tenantID: tenant.id, userID: signedIn.user.id, reason: "password changed by \(signedIn.user.id)", at: pages.now())
        return try await TwoStepRoutes.securityPage(
            pages, signedIn,
            notice: "Your password was changed, you were signed out everywhere else, and \(ended == 1 ? "1 app was" : "\(ended) apps were") disconnected.")
    }
}
