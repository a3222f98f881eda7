/// What the auth-server and the resource-server agree on for the resource-server's internal admin API
/// (docs/architecture.md § The resource-server's admin API): the paths, and the token that opens them.
///
/// The token is an access token the auth-server signs with the tenant's key for a signed-in admin, bound to the
/// tenant's resource, living at most `maximumLifetimeSeconds` and carrying `scope`. That scope is deliberately not
/// in `ScopeCatalog`: every grant is narrowed to the catalogue (`ScopeCatalog.narrow` drops unknown scopes), so no
/// client, whatever it asks for, can ever be granted it; only the auth-server's own admin pages mint it.
public enum ResourceAdminAPI {
    public static let scope = "gatehouse:admin"
    public static let maximumLifetimeSeconds: Int64 = 60

    public static let featuresPath = "/internal/admin/features"
    public static let auditPath = "/internal/admin/audit"

    /// How many audit entries one answer holds by default and at most.
    public static let defaultAuditLimit = 100
    public static let maximumAuditLimit = 1000
}
