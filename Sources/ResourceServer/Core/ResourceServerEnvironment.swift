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

    /// - Parameter registry: the tools to serve; by default the standard set over this environment's service desk.
    public static func open(_ settings: ResourceServerSettings, registry: ToolRegistry? = nil) async throws -> Self {
        try SQLiteDatabase.prepareDataDirectory(settings.dataDirectory)
        let storage = try SQLiteResourceStorage(path: (settings.dataDirectory as NSString).appendingPathComponent(databaseFileName))
        try await storage.saveTenant(settings.configuredTenant)
        let audit = AuditRecorder(store: storage.serviceDesk, logger: Logger(label: "resource-server.audit"))
        return Self(
            settings: settings, storage: storage, serviceDesk: storage.serviceDesk,
            registry: registry ?? .standard(serviceDesk: storage.serviceDesk, audit: audit), audit: audit,
            rateLimits: ToolRateLimits(limits: settings.rateLimits), features: FeatureSwitchboard(storage: storage)
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
