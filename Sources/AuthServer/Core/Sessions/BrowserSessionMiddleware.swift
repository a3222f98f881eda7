import Hummingbird

/// Resolves the browser session of every request that carries a session cookie into `context.signedIn`, so
/// page handlers (and the authorize endpoint) ask the context who is signed in. Requests without the cookie
/// (API clients, connectors) cost nothing. Runs after `TenantMiddleware`: a session belongs to one tenant.
public struct BrowserSessionMiddleware: RouterMiddleware {
    let sessions: BrowserSessions

    public init(sessions: BrowserSessions) { self.sessions = sessions }

    public func handle(
        _ request: Request, context: AuthRequestContext, next: (Request, AuthRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let tenant = context.tenant { context.signedIn = try await sessions.resolve(request, tenant: tenant) }
        return try await next(request, context)
    }
}
