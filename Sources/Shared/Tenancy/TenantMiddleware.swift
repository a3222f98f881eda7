import Hummingbird

/// A request context that knows which tenant the request is for.
public protocol TenantRequestContext: RequestContext {
    var tenant: Tenant? { get set }
}

/// Picks the tenant by the request's host (`request.head.authority`, where HTTP/1's Host lives), from the roster
/// as it stands: a tenant added or disabled while the server runs is seen at the roster's next refresh.
public struct TenantMiddleware<Context: TenantRequestContext>: RouterMiddleware {
    let roster: TenantRoster

    public init(roster: TenantRoster) { self.roster = roster }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.tenant = roster.tenant(forAuthority: request.head.authority)
        return try await next(request, context)
    }
}
