import Hummingbird
import Shared

/// Per-request state of the auth-server: the tenant the request's host picked.
public struct AuthRequestContext: TenantRequestContext {
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
