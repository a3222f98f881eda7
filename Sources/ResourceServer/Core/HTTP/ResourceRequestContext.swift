import Hummingbird
import Shared
import ToolKit

/// Per-request state of the resource-server: the tenant the host picked with its gate, the address the request
/// comes from and, on `/mcp`, the caller.
public struct ResourceRequestContext: TenantRequestContext, ClientAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: Tenant?
    public var gate: TenantGate?
    public var caller: Caller?
    public let peerAddress: IPAddress?
    /// Set by `ClientAddressMiddleware`; the peer until then.
    public var clientAddress: ClientAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
        gate = nil
        caller = nil
        peerAddress = source.channel.remoteAddress?.peerIPAddress
        clientAddress = peerAddress.map(ClientAddress.init)
    }
}
