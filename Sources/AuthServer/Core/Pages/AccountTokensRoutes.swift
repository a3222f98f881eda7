import Foundation
import Hummingbird
import Shared

/// /account/tokens and its forms: make, regenerate, revoke and elevate personal access tokens. The rules are
/// `PersonalAccessTokens`'; this only reads forms and draws the page. An elevation's code is throttled like
/// sign-in, so a borrowed session cannot guess it.
struct AccountTokensRoutes {
    static let path = AccountFrame.Section.tokens.rawValue
    static let scopeFieldPrefix = "scope-"

    let tokens: PersonalAccessTokens
    let pages: PageServices

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            return try await page(signedIn)
        }
        router.post(RouterPath(Self.path)) { request, context in
            try await answering(request, context) { signedIn, tenant, form in try await create(signedIn, tenant, form) }
        }
        router.post(RouterPath(Self.path + "/regenerate")) { request, context in
            try await answering(request, context) { signedIn, tenant, form in
                guard let made = try await tokens.regenerate(id: form["id"] ?? "", by: signedIn.user, tenant: tenant, now: pages.now()) else {
                    return try await page(signedIn, problem: "That token was revoked already, or is not yours to regenerate.")
                }
                return try await page(
                    signedIn, created: AccountTokensPage.newToken(made, resource: tenant.resource),
                    notice: "“\(made.token.label)” has a new value; the old one no longer works.")
            }
        }
        router.post(RouterPath(Self.path + "/revoke")) { request, context in
            try await answering(request, context) { signedIn, _, form in
                guard let token = try await tokens.revoke(id: form["id"] ?? "", by: signedIn.user, now: pages.now()) else {
                    return try await page(signedIn, notice: "That token was already revoked.")
                }
                return try await page(signedIn, notice: "“\(token.label)” was revoked. It no longer works anywhere.")
            }
        }
        router.post(RouterPath(Self.path + "/elevate")) { request, context in
            try await answering(request, context) { signedIn, _, form in try await elevate(signedIn, form, context) }
        }
    }

    private func answering(
        _ request: Request, _ context: AuthRequestContext, _ body: (SignedInSession, Tenant, PageForm) async throws -> Response
    ) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        return try await body(signedIn, tenant, form)
    }

    private func create(_ signedIn: SignedInSession, _ tenant: Tenant, _ form: PageForm) async throws -> Response {
        let scopes = form.fields.filter { $0.key.hasPrefix(Self.scopeFieldPrefix) && $0.value == "yes" }.map { String($0.key.dropFirst(Self.scopeFieldPrefix.count)) }
        let now = pages.now()
        do {
            let days = try form["expires_in_days"].flatMap { $0.isEmpty ? nil : $0 }.map { text throws(PersonalAccessTokens.Refusal) in
                guard let days = Int(text), days > 0 else { throw PersonalAccessTokens.Refusal(message: "Choose when the token expires.") }
                return days
            }
            let expiresAt = try tokens.expiry(days: days, date: form["expires_on"].flatMap { $0.isEmpty ? nil : $0 }, now: now)
            let made = try await tokens.create(
                for: signedIn.user, tenant: tenant,
                .init(label: form["label"] ?? "", scopes: ScopeCatalog.names.filter(scopes.contains), expiresAt: expiresAt, companyID: form["company"]),
                now: now)
            return try await page(signedIn, created: AccountTokensPage.newToken(made, resource: tenant.resource))
        } catch let refusal as PersonalAccessTokens.Refusal {
            return try await page(signedIn, problem: refusal.message, status: .badRequest)
        }
    }

    private func elevate(_ signedIn: SignedInSession, _ form: PageForm, _ context: AuthRequestContext) async throws -> Response {
        let keys: [SignInThrottle.Key] = [.account(tenantID: signedIn.user.tenantID, email: signedIn.user.email), .client(context.clientAddress)]
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            return try await page(
                signedIn, problem: LoginPage.throttledMessage(retryAfter: retryAfter), status: .tooManyRequests,
                headers: Response.retryAfterHeaders(retryAfter))
        }
        guard try await pages.verifySecondFactor(signedIn.user, code: form["code"]) != nil else {
            try await pages.throttle.recordFailure(for: keys, at: pages.now())
            return try await page(signedIn, problem: "That code is not right. Enter the code your authenticator app shows now.")
        }
        try await pages.throttle.recordSuccess(for: keys[0])
        guard let token = try await tokens.elevate(id: form["id"] ?? "", by: signedIn.user, now: pages.now()), let until = token.elevatedUntil else {
            return try await page(signedIn, problem: "That token was revoked, has expired, or is not yours.")
        }
        return try await page(signedIn, notice: "“\(token.label)” may use high-trust tools until \(PageDate(until).text).")
    }

    private func page(
        _ signedIn: SignedInSession, created: AccountTokensPage.NewToken? = nil, notice: String? = nil, problem: String? = nil,
        status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) async throws -> Response {
        let now = pages.now()
        var emails: [String: String] = [:]
        var rows: [AccountTokensPage.Row] = []
        for token in try await tokens.list(for: signedIn.user) {
            if token.userID != signedIn.user.id, emails[token.userID] == nil {
                emails[token.userID] = try await pages.storage.user(tenantID: token.tenantID, id: token.userID)?.email
            }
            rows.append(AccountTokensPage.row(token, viewer: signedIn.user, ownerEmail: emails[token.userID], now: now))
        }
        return pages.renderer.response(
            AccountTokensPage(
                signedIn: signedIn, tokens: rows, created: created, notice: notice, problem: problem, maxDays: tokens.maxDays,
                canElevate: try await pages.secondFactor.isEnrolled(signedIn.user), elevationWindowSeconds: tokens.elevationWindowSeconds),
            status: status, headers: headers)
    }
}
