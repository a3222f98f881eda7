import Synchronization

/// The tenants a running server answers for, replaced whole when the list changes (an auth-server re-reads its
/// store, a resource-server the auth-server's list), so requests never see half an update.
public final class TenantRoster: Sendable {
    private let url: @Sendable (Tenant) -> String
    private let directory: Mutex<(all: [Tenant], directory: TenantDirectory)>

    /// - Parameter url: which of the tenant's URLs names the host this server answers on.
    public init(tenants: [Tenant], url: @escaping @Sendable (Tenant) -> String) {
        self.url = url
        directory = Mutex((tenants, TenantDirectory(tenants: tenants, url: url)))
    }

    public func tenant(forAuthority authority: String?) -> Tenant? {
        directory.withLock { $0.directory.tenant(forAuthority: authority) }
    }

    /// Every tenant, disabled ones with their state.
    public var tenants: [Tenant] { directory.withLock { $0.all } }

    /// Answers as `tenants` say from now on; true when that changed anything.
    @discardableResult
    public func replace(with tenants: [Tenant]) -> Bool {
        directory.withLock { current in
            guard current.all != tenants else { return false }
            current = (tenants, TenantDirectory(tenants: tenants, url: url))
            return true
        }
    }
}
