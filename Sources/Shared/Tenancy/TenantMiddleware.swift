import Hummingbird

/// A request context that knows which tenant the request is for.
public protocol TenantRequestContext: RequestContext {
    var tenant: Tenant? { get set }
}

/// Picks the tenant by the request's host (`request.head.authority`, where HTTP/1's Host lives).
public struct TenantMiddleware<Context: TenantRequestContext>: RouterMiddleware {
    let directory: TenantDirectory

    public init(directory: TenantDirectory) { self.directory = directory }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.tenant = directory.tenant(forAuthority: request.head.authority)
        return try await next(request, context)
    }
}
