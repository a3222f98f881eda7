import Foundation
import PostgresNIO
import Shared

/// The resource-server's tenants and feature switches on PostgreSQL, in the schema `gatehouse_resource`
/// of the database `GATEHOUSE_DATABASE_URL` names. The pool is the server's one pool for that schema: the
/// service desk's tables join it there, so a write and its audit entry can share a transaction.
public struct PostgresResourceStorage: ResourceStorage {
    public let database: PostgresSchemaPool

    /// The schema the resource-server's tables live in, beside the auth-server's in the same database.
    public static let schema = "gatehouse_resource"

    public init(database: PostgresSchemaPool) { self.database = database }

    /// Steps are only appended (`PostgresMigration`); the tables mirror the SQLite store's.
    public static let migrations = [
        PostgresMigration(
            "v1: tenants",
            [
                """
                CREATE TABLE tenant (
                    id TEXT PRIMARY KEY,
                    issuer TEXT NOT NULL,
                    resource TEXT NOT NULL UNIQUE,
                    created_at TIMESTAMPTZ NOT NULL
                )
                """
            ]),
        // Only switches that were set are stored: a module without a row is on.
        PostgresMigration(
            "rs1: feature switches",
            [
                """
                CREATE TABLE feature_switch (
                    tenant_id TEXT NOT NULL REFERENCES tenant(id),
                    module TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL,
                    PRIMARY KEY (tenant_id, module)
                )
                """
            ]),
        // One row per holder (grant or person), kind and minute: `PostgresToolRateLimits`.
        PostgresMigration(
            "rs2: tool-call windows",
            [
                """
                CREATE TABLE tool_call_window (
                    tenant_id TEXT NOT NULL,
                    holder TEXT NOT NULL,
                    is_write BOOLEAN NOT NULL,
                    window_start BIGINT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (tenant_id, holder, is_write, window_start)
                )
                """
            ]),
    ]

    public func allTenants() async throws -> [Tenant] {
        try await database.query("SELECT id, issuer, resource FROM tenant ORDER BY created_at, id").collect().map {
            try PostgresRowDecoder.decode(TenantRow.self, from: $0.makeRandomAccess()).model
        }
    }

    public func saveTenant(_ tenant: Tenant) async throws {
        try await database.query(
            """
            INSERT INTO tenant (id, issuer, resource, created_at) VALUES (\(tenant.id), \(tenant.issuer), \(tenant.resource), \(Date()))
            ON CONFLICT (id) DO UPDATE SET issuer = excluded.issuer, resource = excluded.resource
            """)
    }

    /// A module this build does not know (stored by a later one) is ignored.
    public func switchedOffModules(tenantID: String) async throws -> Set<ToolModule> {
        let names = try await database.query("SELECT module FROM feature_switch WHERE tenant_id = \(tenantID) AND NOT enabled").collect()
            .map { try $0.decode(String.self) }
        return Set(names.compactMap(ToolModule.init(rawValue:)))
    }

    public func setFeatures(_ changes: [ToolModule: Bool], tenantID: String) async throws {
        try await database.transaction { connection in
            for (module, enabled) in changes {
                try await connection.query(
                    """
                    INSERT INTO feature_switch (tenant_id, module, enabled) VALUES (\(tenantID), \(module.rawValue), \(enabled))
                    ON CONFLICT (tenant_id, module) DO UPDATE SET enabled = excluded.enabled
                    """, logger: database.logger)
            }
        }
    }
}
