import Foundation
import Logging
import Shared

/// Everything the resource-server needs at run time, opened once from the settings. First start creates
/// the data folder, the database and the default tenant; later starts bring the default tenant's issuer
/// and resource in line with the configuration.
public struct ResourceServerEnvironment: Sendable {
    public let settings: ResourceServerSettings
    public let storage: any ResourceStorage
    public let registry: ToolRegistry

    public static let databaseFileName = "resource.sqlite"

    public static func open(_ settings: ResourceServerSettings, registry: ToolRegistry = .standard) async throws -> Self {
        try SQLiteDatabase.prepareDataDirectory(settings.dataDirectory)
        let storage = try SQLiteResourceStorage(path: (settings.dataDirectory as NSString).appendingPathComponent(databaseFileName))
        try await storage.saveTenant(Tenant(id: Tenant.defaultID, issuer: settings.issuer, resource: settings.resource))
        return Self(settings: settings, storage: storage, registry: registry)
    }
}

extension ToolRegistry {
    /// The tools this server offers.
    public static let standard = ToolRegistry(tools: [WhoAmITool.tool])
}
