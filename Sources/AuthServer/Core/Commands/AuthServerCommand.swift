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
            let environment = try await openEnvironment(settings, reconcile: true)
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
            abstract: "Manage people, apps, tenant settings, signing keys, tokens and personal access tokens, and back up. Works on the data folder directly, also while the server runs.",
            subcommands: [
                UserCommands.self, ClientCommands.self, TenantCommands.self, KeyCommands.self, TokenCommands.self, PersonalAccessTokenCommands.self,
                BackupCommand.self,
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

func openEnvironment(_ settings: AuthServerSettings, reconcile: Bool = false) async throws -> AuthServerEnvironment {
    do {
        return try await AuthServerEnvironment.open(settings, reconcile: reconcile)
    } catch let error as ConfigurationError {
        CommandLineFailure.exit(error)
    } catch {
        CommandLineFailure.exit(message: "cannot open the data folder '\(settings.dataDirectory)': \(error)")
    }
}

func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
