import Hummingbird
import Shared

/// Requires a valid bearer token in the Authorization header (never the query string, R10) and puts
/// the caller into the request context.
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
            context.caller = try await authenticator.authenticate(token)
            return try await next(request, context)
        } catch let error as BearerAuthenticationError {
            context.logger.info("bearer token refused", metadata: ["reason": "\(error)"])
            return challenge.unauthorized(error: error)
        }
    }
}
