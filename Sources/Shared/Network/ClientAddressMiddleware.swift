import HTTPTypes
import Hummingbird
import NIOCore

/// A request context that knows the connection's peer and the client address derived from it.
public protocol ClientAddressRequestContext: RequestContext {
    /// The connection's peer, as the socket reports it.
    var peerAddress: IPAddress? { get }
    /// Set by `ClientAddressMiddleware`: the peer, or behind a trusted proxy the address it forwarded.
    var clientAddress: ClientAddress? { get set }
}

extension SocketAddress {
    /// The address without its port, as `IPAddress` holds it.
    public var peerIPAddress: IPAddress? { ipAddress.flatMap(IPAddress.init) }
}

/// Works out each request's client address once, before anything counts it.
public struct ClientAddressMiddleware<Context: ClientAddressRequestContext>: RouterMiddleware {
    let proxies: TrustedProxies

    public init(proxies: TrustedProxies) { self.proxies = proxies }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = proxies.clientAddress(peer: context.peerAddress, forwardedFor: request.headers[values: .xForwardedFor].map { $0[...] })
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    /// The de facto header proxies append the address they saw to (the shipped nginx site sets it).
    public static let xForwardedFor = Self("X-Forwarded-For")!
}
