import Hummingbird
import Shared
import ToolKit

/// Per-request state of the resource-server: the tenant the host picked and, on `/mcp`, the caller.
public struct ResourceRequestContext: TenantRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var tenant: Tenant?
    public var caller: Caller?

    public init(source: Source) {
        coreContext = .init(source: source)
        tenant = nil
        caller = nil
    }
}
