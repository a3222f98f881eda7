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

    static func open(_ settings: ResourceServerSettings) async -> ResourceServerEnvironment {
        do {
            return try await ResourceServerEnvironment.open(settings)
        } catch let error as ConfigurationError {
            CommandLineFailure.exit(error)
        } catch {
            CommandLineFailure.exit(message: "cannot open the data folder '\(settings.dataDirectory)': \(error)")
        }
    }

    /// The environment, with `tenant` checked to exist.
    static func open(tenant: String) async throws -> ResourceServerEnvironment {
        let settings = settings()
        let environment = await open(settings)
        guard try await environment.storage.allTenants().contains(where: { $0.id == tenant }) else {
            CommandLineFailure.exit(message: "no tenant '\(tenant)' in \(settings.dataDirectory)", status: 2)
        }
        return environment
    }
}
