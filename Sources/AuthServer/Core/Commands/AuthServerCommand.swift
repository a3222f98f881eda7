import ArgumentParser
import Foundation
import Logging
import Shared

/// `auth-server`: runs the server by default; `auth-server admin …` manages it from a shell.
public struct AuthServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "auth-server",
        abstract: "Gatehouse authorization server.",
        discussion: "Settings come from GATEHOUSE_<KEY> environment variables and the file named by GATEHOUSE_CONFIG.",
        subcommands: [Serve.self, Admin.self],
        defaultSubcommand: Serve.self
    )

    public init() {}
}

extension AuthServerCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the authorization server (the default).")

        func run() async throws {
            let settings = try loadSettings()
            LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
            let logger = Logger(label: "auth-server")
            let environment = try await openEnvironment(settings, reconcile: true, serving: true)
            do {
                let app = try await AuthServerApplication.make(environment: environment, logger: logger) { port in
                    logger.info("auth-server listening", metadata: ["address": "\(settings.listen.host):\(port)", "issuer": "\(settings.issuer)"])
                }
                try await app.runService()
            } catch let error as ConfigurationError {
                CommandLineFailure.exit(error)
            } catch {
                CommandLineFailure.exit(message: "auth-server stopped: \(error)")
            }
        }
    }

    struct Admin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage people, apps, service accounts, tenant settings, signing keys, tokens and personal access tokens; export the audit ledger; back up. Works on the data folder directly, also while the server runs.",
            subcommands: [
                UserCommands.self, ClientCommands.self, TenantCommands.self, KeyCommands.self, TokenCommands.self, PersonalAccessTokenCommands.self,
                ServiceAccountCommands.self, AuditCommands.self, BackupCommand.self,
            ]
        )
    }
}

/// Reads settings, ending the process with one line and status 2 when one is wrong.
func loadSettings() throws -> AuthServerSettings {
    do {
        return try AuthServerSettings.load()
    } catch {
        CommandLineFailure.exit(error)
    }
}

/// Opens the data folder; for an admin command (every caller but `serve`, which reconciles), records the command in the
/// ledger first, so every admin action leaves an entry even when it then fails (docs/security.md § The audit ledger).
func openEnvironment(_ settings: AuthServerSettings, reconcile: Bool = false, serving: Bool = false) async throws -> AuthServerEnvironment {
    do {
        let environment = try await AuthServerEnvironment.open(settings, reconcile: reconcile, serving: serving)
        // A tenant that does not exist is the command's own error to report; there is nowhere to record it.
        if !reconcile, let tenant = try? await environment.tenant(id: adminTenant(CommandLine.arguments)) {
            await environment.ledger.record(.adminCommand, tenantID: tenant.id, detail: CommandLine.arguments.dropFirst().joined(separator: " "))
        }
        return environment
    } catch let error as ConfigurationError {
        CommandLineFailure.exit(error)
    } catch {
        CommandLineFailure.exit(message: "cannot open the data folder '\(settings.dataDirectory)': \(error)")
    }
}

/// The data folder and the tenant an admin command names; a tenant that does not exist ends the process saying so.
func openTenant(_ id: String) async throws -> (AuthServerEnvironment, Tenant) {
    let environment = try await openEnvironment(try loadSettings())
    return (environment, try await environment.tenant(id: id))
}

func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// The tenant an admin command names with `--tenant`, else the default one.
func adminTenant(_ arguments: [String]) -> String {
    for (index, argument) in arguments.enumerated() {
        if argument.hasPrefix("--tenant=") { return String(argument.dropFirst("--tenant=".count)) }
        if argument == "--tenant", index + 1 < arguments.count { return arguments[index + 1] }
    }
    return Tenant.defaultID
}
