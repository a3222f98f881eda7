import Foundation
import Hummingbird
import Shared

/// GET/POST /device, the verification URI of the device flow (RFC 8628 §3.3). The person signs in first (with
/// their second factor when they have one), types the code their device shows, and is sent to the consent page
/// for it, which answers the device through `AuthorizationFlow.decide`. `verification_uri_complete` fills the
/// field in but never submits it, so the person still compares the code with the device (§3.3.1). Wrong codes
/// count against the person and the client address in `SignInThrottle` (§5.1).
struct DeviceVerificationRoutes {
    let flow: AuthorizationFlow
    let storage: any DeviceAuthorizationStore
    let pages: PageServices

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(AuthServerPaths.device)) { request, context in
            _ = try context.pageTenant()
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            let code = request.uri.queryParameters["user_code"].flatMap { UserCode(entered: String($0)) }
            return pages.renderer.response(DevicePage(email: signedIn.user.email, csrfToken: signedIn.csrfToken, userCode: code?.display ?? ""))
        }
        router.post(RouterPath(AuthServerPaths.device)) { request, context in try await enter(request, context) }
    }

    func enter(_ request: Request, _ context: AuthRequestContext) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        let entered = form["user_code"] ?? ""
        func page(_ message: String, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
            let shown = entered.count <= 32 ? entered : ""
            return pages.renderer.response(
                DevicePage(email: signedIn.user.email, csrfToken: signedIn.csrfToken, userCode: shown, message: message), status: status,
                headers: headers)
        }

        guard let code = UserCode(entered: entered) else { return page(DevicePage.malformedMessage) }
        let keys: [SignInThrottle.Key] = [.deviceCodes(tenantID: tenant.id, userID: signedIn.user.id), .client(context.clientAddress)]
        if let retryAfter = try await pages.applyThrottle(to: keys) {
            return page(LoginPage.throttledMessage(retryAfter: retryAfter), status: .tooManyRequests, headers: Response.retryAfterHeaders(retryAfter))
        }
        let now = pages.now()
        guard let authorization = try await storage.deviceAuthorization(tenantID: tenant.id, userCodeHash: code.hash, at: now) else {
            try await pages.throttle.recordFailure(for: keys, at: now)
            return page(DevicePage.unknownMessage)
        }
        guard authorization.status == .pending else { return page(DevicePage.answeredMessage) }
        switch try await flow.consentToDevice(authorization, person: signedIn.person, tenant: tenant, now: now) {
        case .consent(let requestID): return .seeOther(AuthServerPaths.consent + "?request=" + ReturnPath.queryEncoded(requestID))
        case .refused(let refusal): throw ErrorPage(refusal, back: nil)
        }
    }
}
