import Foundation
import Shared

/// What every subcommand does first: read the settings and open the data folder, or stop with one line
/// naming what is wrong and exit status 2.
enum CommandEnvironment {
    static func settings() -> ResourceServerSettings {
        do {
            return try ResourceServerSettings.load()
        } catch {
            CommandLineFailure.exit(error)
        }
    }

    static func open(_ settings: ResourceServerSettings, serving: Bool = false) async -> ResourceServerEnvironment {
        do {
            return try await ResourceServerEnvironment.open(settings, serving: serving)
        } catch let error as ConfigurationError {
            CommandLineFailure.exit(error)
        } catch {
            let place = settings.database.map { "the database \($0.redacted)" } ?? "the data folder '\(settings.dataDirectory)'"
            CommandLineFailure.exit(message: "cannot open \(place): \(error)")
        }
    }

    /// The environment, with `tenant` checked to exist: stored here, or listed by the auth-server (a tenant added
    /// there moments ago, which the running server has not stored yet).
    static func open(tenant: String) async throws -> ResourceServerEnvironment {
        let settings = settings()
        let environment = await open(settings)
        let stored = try await environment.storage.allTenants()
        if stored.contains(where: { $0.id == tenant }) { return environment }
        guard let credentials = settings.credentials else {
            CommandLineFailure.exit(message: "no tenant '\(tenant)' in \(settings.dataDirectory), and no credentials to ask the auth-server", status: 2)
        }
        let listed: [Tenant]
        do {
            listed = try await TenantListClient(authURL: settings.authURL, credentials: credentials).tenants(askingAt: stored + [settings.configuredTenant])
        } catch {
            CommandLineFailure.exit(message: "no tenant '\(tenant)' in \(settings.dataDirectory), and the auth-server's list cannot be read: \(error)", status: 2)
        }
        guard let found = listed.first(where: { $0.id == tenant && $0.disabledAt == nil }) else {
            CommandLineFailure.exit(message: "no tenant '\(tenant)' here or at the auth-server (\(settings.authURL))", status: 2)
        }
        try await environment.storage.saveTenant(found)
        return environment
    }
}
