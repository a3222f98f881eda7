import Foundation
import Hummingbird
import NIOCore
import Shared

/// The OAuth endpoints clients call directly: token, revocation and registration, with CORS for
/// browser-based clients (docs/clients.md § MCP Inspector). Handlers only translate between HTTP and the endpoint types.
enum OAuthAPIRoutes {
    static func add(to router: Router<AuthRequestContext>, services: OAuthServices) {
        // Server to server, never from a page: no CORS.
        router.post(RouterPath(AuthServerPaths.introspection)) { request, context in
            await services.introspection.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
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

/// The browser side: /oauth/authorize, the consent page, connected apps and access tokens. Added after the page
/// middleware, so they see the session and may throw `ErrorPage`.
enum OAuthBrowserRoutes {
    static func add(
        to router: Router<AuthRequestContext>, services: OAuthServices, pages: PageServices, resourceTools: ResourceToolCatalog,
        resourceAdmin: ResourceServerAdmin
    ) {
        router.get(RouterPath(AuthServerPaths.authorize)) { request, context in
            let tenant = try context.pageTenant()
            let person = context.signedIn?.person
            switch try await services.flow.authorize(
                query: request.uri.query, tenant: tenant, person: person, address: context.clientAddress, now: Date())
            {
            case .errorPage(let message): throw ErrorPage.badRequest(message)
            case .tooManyRequests(let message): throw ErrorPage(status: .tooManyRequests, title: "Too many requests", message: message)
            case .redirect(let location): return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
            case .signIn: return Response.toSignIn(from: request)
            case .consent(let requestID): return Response.seeOther(AuthServerPaths.consent + "?request=" + ReturnPath.queryEncoded(requestID))
            case .refused(let refusal, let back): throw ErrorPage(refusal, back: back)
            }
        }
        ConsentRoutes(flow: services.flow, pages: pages, resourceTools: resourceTools, elevationWindowSeconds: services.elevationWindowSeconds)
            .add(to: router)
        DeviceVerificationRoutes(flow: services.flow, storage: services.storage, pages: pages).add(to: router)
        ConnectedAppsRoutes(grants: services.grants, pages: pages).add(to: router)
        AccountTokensRoutes(tokens: services.personalAccessTokens, pages: pages).add(to: router)
        AdminRoutes.add(to: router, pages: pages, elevationWindowSeconds: services.elevationWindowSeconds, resourceAdmin: resourceAdmin)
    }
}

extension ErrorPage {
    static let consentExpired = ErrorPage(
        status: .badRequest, title: "This request has expired",
        message: "The sign-in request was already answered or is too old. Go back to the app and connect again.")
}
