import ArgumentParser
import Foundation
import Logging
import Shared

/// `resource-server`: runs the MCP resource server.
public struct ResourceServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resource-server",
        abstract: "Gatehouse MCP resource server.",
        discussion: "Settings come from GATEHOUSE_<KEY> environment variables and the file named by GATEHOUSE_CONFIG.",
        subcommands: [Serve.self, SeedDemoCommand.self],
        defaultSubcommand: Serve.self
    )

    public init() {}

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the resource server (the default).")

        func run() async throws {
            let settings: ResourceServerSettings
            do {
                settings = try ResourceServerSettings.load()
            } catch {
                CommandLineFailure.exit(error)
            }
            LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
            let logger = Logger(label: "resource-server")
            let environment: ResourceServerEnvironment
            do {
                environment = try await ResourceServerEnvironment.open(settings)
            } catch let error as ConfigurationError {
                CommandLineFailure.exit(error)
            } catch {
                CommandLineFailure.exit(message: "cannot open the data folder '\(settings.dataDirectory)': \(error)")
            }
            let app = try await ResourceServerApplication.make(environment: environment, logger: logger) { port in
                logger.info("resource-server listening", metadata: ["address": "\(settings.listen.host):\(port)", "resource": "\(settings.resource)"])
            }
            do {
                try await app.runService()
            } catch {
                CommandLineFailure.exit(message: "resource-server stopped: \(error)")
            }
        }
    }
}
