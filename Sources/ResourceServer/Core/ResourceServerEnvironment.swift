import Foundation
import Logging
import ServiceDesk
import Shared
import ToolKit

/// Everything the resource-server needs at run time, opened once from the settings. First start creates
/// the data folder, the database and the default tenant; later starts bring the default tenant's issuer
/// and resource in line with the configuration.
public struct ResourceServerEnvironment: Sendable {
    public let settings: ResourceServerSettings
    public let storage: any ResourceStorage
    public let serviceDesk: any ServiceDeskStore
    public let registry: ToolRegistry
    public let audit: AuditRecorder
    /// The tool-call allowances, shared by every request of this process.
    public let rateLimits: any ToolCallLimiter
    /// The tenants' feature switches, read through a short cache.
    public let features: FeatureSwitchboard

    public static let databaseFileName = "resource.sqlite"
    /// The schema of the resource-server's tables when `GATEHOUSE_DATABASE_URL` names a PostgreSQL database.
    public static let postgresSchema = "gatehouse_resource"
    public static let postgresMigrations = PostgresResourceStorage.migrations + PostgresServiceDeskStore.migrations

    /// - Parameter registry: the tools to serve; by default the standard set over this environment's service desk.
    /// - Parameter serving: for the server itself, whose PostgreSQL pool keeps its connections open (`PostgresSchemaPool.open`).
    public static func open(_ settings: ResourceServerSettings, registry: ToolRegistry? = nil, serving: Bool = false) async throws -> Self {
        // The data folder holds the credentials file whichever engine holds the data.
        try SQLiteDatabase.prepareDataDirectory(settings.dataDirectory)
        let storage: any ResourceStorage
        let serviceDesk: any ServiceDeskStore
        let rateLimits: any ToolCallLimiter
        if let location = settings.database {
            // One pool for every table of the schema: tenants, switches, tool-call windows and the desk.
            let logger = Logger(label: "resource-server.postgres")
            let database = try await PostgresSchemaPool.open(
                location: location, schema: postgresSchema, migrations: postgresMigrations, keepsConnectionsOpen: serving, logger: logger)
            logger.info("storage: PostgreSQL", metadata: ["database": "\(location.redacted)", "schema": "\(postgresSchema)"])
            storage = PostgresResourceStorage(database: database)
            serviceDesk = PostgresServiceDeskStore(database: database)
            rateLimits = PostgresToolRateLimits(limits: settings.rateLimits, database: database)
        } else {
            let sqlite = try SQLiteResourceStorage(path: (settings.dataDirectory as NSString).appendingPathComponent(databaseFileName))
            storage = sqlite
            serviceDesk = sqlite.serviceDesk
            rateLimits = ToolRateLimits(limits: settings.rateLimits)
        }
        try await storage.saveTenant(settings.configuredTenant)
        let audit = AuditRecorder(store: serviceDesk, logger: Logger(label: "resource-server.audit"))
        return Self(
            settings: settings, storage: storage, serviceDesk: serviceDesk,
            registry: registry ?? .standard(serviceDesk: serviceDesk, audit: audit), audit: audit,
            rateLimits: rateLimits, features: FeatureSwitchboard(storage: storage)
        )
    }
}

extension ResourceServerSettings {
    /// The default tenant as this server's settings name it; the auth-server's list names any others.
    public var configuredTenant: Tenant { Tenant(id: Tenant.defaultID, issuer: issuer, resource: resource) }
}

extension ToolRegistry {
    /// The tools this server offers: whoami and the service desk's.
    public static func standard(serviceDesk: any ServiceDeskStore, audit: AuditRecorder) -> ToolRegistry {
        ToolRegistry(tools: [WhoAmITool.tool] + ServiceDeskTools(store: serviceDesk, audit: audit).all)
    }
}
