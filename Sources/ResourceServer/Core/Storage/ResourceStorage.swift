import Foundation
import Shared

/// What the resource-server stores: in SQLite (`SQLiteResourceStorage`, the default) or PostgreSQL
/// (`PostgresResourceStorage`). The service desk's data lives in the same database behind
/// `ServiceDeskStore`; every table carries its tenant.
public protocol ResourceStorage: Sendable {
    func allTenants() async throws -> [Tenant]
    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    func saveTenant(_ tenant: Tenant) async throws
    /// The tenant's modules that are switched off; every other module is on (the default).
    func switchedOffModules(tenantID: String) async throws -> Set<ToolModule>
    /// Turns each named module on (true) or off (false), leaving the others as they are.
    func setFeatures(_ changes: [ToolModule: Bool], tenantID: String) async throws
}
