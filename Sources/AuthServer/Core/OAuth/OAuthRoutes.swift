import Foundation
import Hummingbird
import NIOCore
import Shared

/// The OAuth endpoints clients call directly: token, revocation and registration, with CORS for
/// browser-based clients (docs/clients.md § MCP Inspector). Handlers only translate between HTTP and the endpoint types.
enum OAuthAPIRoutes {
    static func add(to router: Router<AuthRequestContext>, services: OAuthServices) {
        let api = router.group().add(middleware: CORSMiddleware(origins: .any, methods: "GET, POST, DELETE, OPTIONS"))
        api.post(RouterPath(AuthServerPaths.token)) { request, context in
            await services.token.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
        api.post(RouterPath(AuthServerPaths.revocation)) { request, context in
            await services.revocation.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
        api.post(RouterPath(AuthServerPaths.deviceAuthorization)) { request, context in
            await services.deviceAuthorization.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
        api.post(RouterPath(AuthServerPaths.registration)) { request, context in
            let tenant = try context.requireTenant()
            do {
                guard MediaTypes.parse(request.headers.value(.contentType) ?? "") == ["application/json"] else {
                    throw OAuthError.invalidClientMetadata("The body must be application/json")
                }
                let body = try await request.body.collect(upTo: AuthPolicy.registrationBodyLimit)
                let registered = try await services.registration.register(
                    body: Data(buffer: body), tenant: tenant, address: context.clientAddress, now: Date())
                return try JSONResponse.make(registered, status: .created)
            } catch let error as OAuthError {
                return error.response()
            } catch is NIOTooManyBytesError {
                return OAuthError.invalidClientMetadata("The body is larger than \(AuthPolicy.registrationBodyLimit) bytes")
                    .response(status: .contentTooLarge)
            }
        }
        let configuration = RouterPath(AuthServerPaths.registration + "/:client_id")
        api.get(configuration) { request, context in
            do {
                let client = try context.parameters.require("client_id")
                return try JSONResponse.make(
                    try await services.registration.read(
                        clientID: client, registrationToken: request.headers.bearerToken, tenant: try context.requireTenant()))
            } catch let error as OAuthError {
                return registrationTokenRefused(error)
            }
        }
        api.delete(configuration) { request, context in
            do {
                try await services.registration.delete(
                    clientID: try context.parameters.require("client_id"), registrationToken: request.headers.bearerToken,
                    tenant: try context.requireTenant())
                return Response(status: .noContent)
            } catch let error as OAuthError {
                return registrationTokenRefused(error)
            }
        }
        for path in [
            AuthServerPaths.metadata, AuthServerPaths.jwks, AuthServerPaths.token, AuthServerPaths.revocation, AuthServerPaths.registration,
            AuthServerPaths.deviceAuthorization,
        ] {
            api.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }
        api.on(configuration, method: .options) { _, _ in Response(status: .noContent) }
        api.get(RouterPath(AuthServerPaths.metadata)) { _, context in
            try JSONResponse.make(AuthorizationServerMetadata(issuer: try context.requireTenant().issuer), cacheControl: "max-age=300")
        }
        api.get(RouterPath(AuthServerPaths.jwks)) { _, context in
            let keys = try await services.keyRing.publishedKeys(tenantID: try context.requireTenant().id)
            // Short cache: a rotation is picked up within a minute, and verifiers refetch on an unknown kid.
            return try JSONResponse.make(keys, cacheControl: "max-age=60")
        }
    }

    /// RFC 7592 §2: a refused registration access token is answered as RFC 6750 §3.1 says, 401 with a
    /// Bearer challenge.
    private static func registrationTokenRefused(_ error: OAuthError) -> Response {
        var response = error.response(status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        return response
    }
}

/// The browser side: /oauth/authorize, the consent page and connected apps. Added after the page
/// middleware, so they see the session and may throw `ErrorPage`.
enum OAuthBrowserRoutes {
    static func add(to router: Router<AuthRequestContext>, services: OAuthServices, pages: PageServices, resourceTools: ResourceToolCatalog) {
        router.get(RouterPath(AuthServerPaths.authorize)) { request, context in
            let tenant = try context.pageTenant()
            let person = context.signedIn.map { AuthorizationFlow.Person(user: $0.user, authTime: $0.session.authTime) }
            switch try await services.flow.authorize(
                query: request.uri.query, tenant: tenant, person: person, address: context.clientAddress, now: Date())
            {
            case .errorPage(let message): throw ErrorPage.badRequest(message)
            case .tooManyRequests(let message): throw ErrorPage(status: .tooManyRequests, title: "Too many requests", message: message)
            case .redirect(let location): return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
            case .signIn: return Response.toSignIn(from: request)
            case .consent(let requestID): return Response.seeOther(AuthServerPaths.consent + "?request=" + ReturnPath.queryEncoded(requestID))
            }
        }
        router.get(RouterPath(AuthServerPaths.consent)) { request, context in
            let tenant = try context.pageTenant()
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            guard let requestID = request.uri.queryParameters["request"].map(String.init),
                let (pending, client) = try await services.flow.pendingConsent(requestID: requestID, tenant: tenant, user: signedIn.user, now: Date())
            else { throw ErrorPage.consentExpired }
            let tools = await resourceTools.tools(forResource: tenant.resource)
            var redirectURI: String?
            if case .redirect(let uri, _, _) = pending.destination { redirectURI = uri }
            return pages.renderer.response(
                ConsentPage(
                    clientName: client.name, clientHost: client.verifiedHost, isFirstParty: client.kind == .firstParty, redirectHost: redirectURI.map { URLComponents(string: $0)?.host ?? $0 },
                    isNativeAppRedirect: redirectURI.map(RedirectURIPolicy.isNativeApp) ?? false,
                    scopes: pending.scopes.map { scope in
                        ConsentPage.Scope(
                            name: scope, description: ScopeCatalog.definition(named: scope)?.consentText ?? scope,
                            tools: ResourceToolCatalog.tools(tools, openedBy: scope, within: Set(pending.scopes), for: signedIn.user.role).map {
                                ConsentPage.Tool(name: $0.name, needsSecondFactor: $0.kind == "high-trust")
                            }
                        )
                    },
                    email: signedIn.user.email, requestID: requestID, csrfToken: signedIn.csrfToken
                )
            )
        }
        router.post(RouterPath(AuthServerPaths.consent)) { request, context in
            let tenant = try context.pageTenant()
            let form = try await PageForm.read(request, context: context)
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
            guard let decision = form["decision"], ["allow", "deny"].contains(decision) else {
                throw ErrorPage.badRequest("The form did not say whether to allow or deny.")
            }
            let person = AuthorizationFlow.Person(user: signedIn.user, authTime: signedIn.session.authTime)
            guard let requestID = form["request"] else { throw ErrorPage.consentExpired }
            switch try await services.flow.decide(requestID: requestID, allow: decision == "allow", tenant: tenant, person: person, now: Date()) {
            case .redirect(let location)?: return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
            case .deviceAnswered(let approved, let clientName)?:
                return pages.renderer.response(
                    DevicePage(
                        email: signedIn.user.email, csrfToken: signedIn.csrfToken, answer: DevicePage.Answer(approved: approved, clientName: clientName)))
            case nil: throw ErrorPage.consentExpired
            }
        }
        DeviceVerificationRoutes(flow: services.flow, storage: services.storage, pages: pages).add(to: router)
        ConnectedAppsRoutes(grants: services.grants, pages: pages).add(to: router)
    }
}

extension ErrorPage {
    static let consentExpired = ErrorPage(
        status: .badRequest, title: "This request has expired",
        message: "The sign-in request was already answered or is too old. Go back to the app and connect again.")
}
