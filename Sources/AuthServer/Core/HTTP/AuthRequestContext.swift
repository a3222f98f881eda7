import Hummingbird
import Shared

/// Per-request state of the auth-server: the tenant the request's host picked, who is signed in through
/// the browser, and the address the connection comes from.
public struct AuthRequestContext: TenantRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: Tenant?
    /// Set by `BrowserSessionMiddleware` when the request carries a live session cookie.
    public var signedIn: SignedInSession?
    /// The connection's peer address (IP without port). Behind a reverse proxy this is the proxy, not the
    /// browser: per-address limits then count the proxy as one address until trusted-proxy handling is added.
    public let clientAddress: String?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
        signedIn = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
    }

    func requireTenant() throws -> Tenant {
        guard let tenant else { throw HTTPError(.notFound, message: "Unknown tenant") }
        return tenant
    }
}
