import Hummingbird
import Shared

/// Requires a valid bearer token in the Authorization header (never the query string: MCP authorization spec
/// (2025-11-25) § Token Requirements), checked at the gate of the tenant the host names, and puts the caller into
/// the request context.
struct AuthenticationMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: ResourceRequestContext, next: (Request, ResourceRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let gate = context.gate else { throw HTTPError(.notFound, message: "No tenant is served at this host") }
        let challenge = gate.challenge
        guard request.headers.hasAuthorization else { return challenge.unauthorized(error: nil) }
        guard let token = request.headers.bearerToken else { return challenge.unauthorized(error: .token(.malformed)) }
        do {
            var context = context
            let caller = try await gate.authenticator.authenticate(token, callerAddress: context.clientAddress?.description)
            // The verifier already demands this tenant's issuer, audience and `tid`; said again here because a
            // token of tenant A must never act in tenant B, whatever a later change to the verifier does.
            guard caller.claims.tenantID == gate.tenant.id else { return challenge.unauthorized(error: .token(.wrongTenant)) }
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
