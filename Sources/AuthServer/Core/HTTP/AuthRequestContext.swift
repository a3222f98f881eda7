import Hummingbird
import Shared

/// Per-request state of the auth-server: the tenant the request's host picked, who is signed in through
/// the browser, and the address the request comes from.
public struct AuthRequestContext: TenantRequestContext, ClientAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: Tenant?
    /// Set by `BrowserSessionMiddleware` when the request carries a live session cookie.
    public var signedIn: SignedInSession?
    public let peerAddress: IPAddress?
    /// Set by `ClientAddressMiddleware`; the peer until then.
    public var clientAddress: ClientAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
        signedIn = nil
        peerAddress = source.channel.remoteAddress?.peerIPAddress
        clientAddress = peerAddress.map(ClientAddress.init)
    }

    func requireTenant() throws -> Tenant {
        guard let tenant else { throw HTTPError(.notFound, message: "Unknown tenant") }
        return tenant
    }
}
