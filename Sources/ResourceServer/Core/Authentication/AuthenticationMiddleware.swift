import Hummingbird
import Shared

/// Requires a valid bearer token in the Authorization header (never the query string: MCP authorization spec
/// (2025-11-25) § Token Requirements) and puts the caller into the request context.
struct AuthenticationMiddleware: RouterMiddleware {
    let authenticator: BearerAuthenticator
    let challenge: BearerChallenge

    func handle(
        _ request: Request, context: ResourceRequestContext, next: (Request, ResourceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard request.headers.hasAuthorization else { return challenge.unauthorized(error: nil) }
        guard let token = request.headers.bearerToken else { return challenge.unauthorized(error: .token(.malformed)) }
        do {
            var context = context
            let caller = try await authenticator.authenticate(token, callerAddress: context.clientAddress?.description)
            // The tenant the host picked must be the token's (a token of tenant A never acts in tenant B).
            guard caller.claims.tenantID == context.tenant?.id else { return challenge.unauthorized(error: .token(.wrongTenant)) }
            context.caller = caller
            return try await next(request, context)
        } catch BearerAuthenticationError.authorizationServerUnavailable {
            // Never invalid_token: the token may be good, and a client told so would throw it away.
            context.logger.warning("bearer token not checked: the auth-server cannot be reached")
            return Response(
                status: .serviceUnavailable, headers: [.retryAfter: "5", .contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"error":"temporarily_unavailable","error_description":"\#(BearerAuthenticationError.authorizationServerUnavailable.description)"}"#)))
        } catch let error as BearerAuthenticationError {
            context.logger.info("bearer token refused", metadata: ["reason": "\(error)"])
            return challenge.unauthorized(error: error)
        }
    }
}
