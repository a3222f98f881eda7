import Hummingbird
import Shared

/// Per-request state of the auth-server: the tenant the request's host picked.
public struct AuthRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: Tenant?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
    }

    func requireTenant() throws -> Tenant {
        guard let tenant else { throw HTTPError(.notFound, message: "Unknown tenant") }
        return tenant
    }
}

/// Picks the tenant by the request's host (`request.head.authority`, where HTTP/1's Host lives).
struct TenantMiddleware: RouterMiddleware {
    let directory: TenantDirectory

    func handle(_ request: Request, context: AuthRequestContext, next: (Request, AuthRequestContext) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.tenant = directory.tenant(forAuthority: request.head.authority)
        return try await next(request, context)
    }
}
