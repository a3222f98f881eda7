import Foundation
import Hummingbird
import Shared

/// GET and POST /consent: the pending request as the person sees it, and their answer, for an app's redirect or
/// a device's code alike (the device's answer is a page sending the person back to it). A request for
/// elevation takes a code entered here, for this request (docs/tokens.md § MFA elevation); a person without
/// two-step sign-in is sent to turn it on first and comes back to the same request.
struct ConsentRoutes {
    let flow: AuthorizationFlow
    let pages: PageServices
    let resourceTools: ResourceToolCatalog
    let elevationWindowSeconds: Int

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(AuthServerPaths.consent)) { request, context in try await show(request, context) }
        router.post(RouterPath(AuthServerPaths.consent)) { request, context in try await answer(request, context) }
    }

    func show(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard let requestID = request.uri.queryParameters["request"].map(String.init),
            let (pending, client) = try await flow.pendingConsent(requestID: requestID, tenant: tenant, user: signedIn.user, now: pages.now())
        else { throw ErrorPage.consentExpired }
        if pending.stepUp, try await !pages.secondFactor.isEnrolled(signedIn.user) {
            let back = AuthServerPaths.consent + "?request=" + ReturnPath.queryEncoded(requestID)
            return .seeOther(AccountFrame.Section.security.rawValue + "?return_to=" + ReturnPath.queryEncoded(back))
        }
        return pages.renderer.response(try await page(pending, client, requestID: requestID, signedIn: signedIn, tenant: tenant))
    }

    func answer(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        guard let decision = form["decision"], ["allow", "deny"].contains(decision) else {
            throw ErrorPage.badRequest("The form did not say whether to allow or deny.")
        }
        guard let requestID = form["request"],
            let (pending, client) = try await flow.pendingConsent(requestID: requestID, tenant: tenant, user: signedIn.user, now: pages.now())
        else { throw ErrorPage.consentExpired }
        var method: AuthenticationMethod?
        if decision == "allow", pending.stepUp {
            let keys: [SignInThrottle.Key] = [.account(tenantID: tenant.id, email: signedIn.user.email), .client(context.clientAddress)]
            func refusal(_ problem: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) async throws -> Response {
                pages.renderer.response(
                    try await page(pending, client, requestID: requestID, signedIn: signedIn, tenant: tenant, problem: problem), status: status,
                    headers: headers)
            }
            if let retryAfter = try await pages.applyThrottle(to: keys) {
                return try await refusal(LoginPage.throttledMessage(retryAfter: retryAfter), status: .tooManyRequests, headers: Response.retryAfterHeaders(retryAfter))
            }
            guard let verified = try await pages.verifySecondFactor(signedIn.user, code: form["code"]) else {
                try await pages.throttle.recordFailure(for: keys, at: pages.now())
                return try await refusal("That code is not right. Enter the code your authenticator app shows now.")
            }
            try await pages.throttle.recordSuccess(for: keys[0])
            method = verified
        }
        switch try await flow.decide(
            requestID: requestID, allow: decision == "allow", elevatedBy: method, tenant: tenant, person: signedIn.person,
            address: context.clientAddress, now: pages.now())
        {
        case .redirect(let location)?: return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        case .deviceAnswered(let approved, let clientName)?:
            return pages.renderer.response(
                DevicePage(email: signedIn.user.email, csrfToken: signedIn.csrfToken, answer: DevicePage.Answer(approved: approved, clientName: clientName)))
        case nil: throw ErrorPage.consentExpired
        }
    }

    /// The consent page for a pending request: the app, where it sends the person back, each scope with the
    /// tools it opens for this person, and for an elevation which high-trust tools and for how long.
    private func page(
        _ pending: PendingAuthorization, _ client: Client, requestID: String, signedIn: SignedInSession, tenant: Tenant, problem: String? = nil
    ) async throws -> ConsentPage {
        let tools = await resourceTools.tools(forResource: tenant.resource)
        let granted = Set(pending.scopes)
        let role = signedIn.user.role
        let window = Elevation.describe(windowSeconds: elevationWindowSeconds)
        let highTrust = tools.filter { $0.kind.needsSecondFactor && $0.isFor(role) && Set($0.scopes).isSubset(of: granted) }.map(\.name)
        var redirectURI: String?
        if case .redirect(let uri, _, _) = pending.destination { redirectURI = uri }
        return ConsentPage(
            clientName: client.name, clientHost: client.verifiedHost, isFirstParty: client.kind == .firstParty,
            redirectHost: redirectURI.map { URLComponents(string: $0)?.host ?? $0 }, isNativeAppRedirect: redirectURI.map(RedirectURIPolicy.isNativeApp) ?? false,
            scopes: pending.scopes.map { scope in
                ConsentPage.Scope(
                    name: scope, description: ScopeCatalog.definition(named: scope)?.consentText ?? scope,
                    tools: ResourceToolCatalog.tools(tools, openedBy: scope, within: granted, for: role).map {
                        ConsentPage.Tool(name: $0.name, needsSecondFactor: $0.kind.needsSecondFactor)
                    }
                )
            },
            email: signedIn.user.email, requestID: requestID, csrfToken: signedIn.csrfToken,
            asksForCode: pending.stepUp,
            elevation: granted.contains(Elevation.scope) ? ConsentPage.Elevation(window: window, tools: highTrust) : nil, problem: problem,
            elevationWindow: window
        )
    }
}
