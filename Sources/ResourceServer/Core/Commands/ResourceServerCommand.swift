import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Shared

/// `resource-server`: runs the MCP resource server.
public struct ResourceServerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "resource-server",
        abstract: "Gatehouse MCP resource server.",
        discussion: "Settings come from GATEHOUSE_<KEY> environment variables and the file named by GATEHOUSE_CONFIG.",
        subcommands: [Serve.self, SeedDemoCommand.self, AdminCommand.self, ToolsReferenceCommand.self],
        defaultSubcommand: Serve.self
    )

    public init() {}

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the resource server (the default).")

        func run() async throws {
            let settings = CommandEnvironment.settings()
            LoggingSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
            let logger = Logger(label: "resource-server")
            let environment = await CommandEnvironment.open(settings, serving: true)
            let app: any ApplicationProtocol
            do {
                app = try await ResourceServerApplication.make(environment: environment, logger: logger) { port in
                    logger.info("resource-server listening", metadata: ["address": "\(settings.listen.host):\(port)", "resource": "\(settings.resource)"])
                }
            } catch let error as ConfigurationError {
                CommandLineFailure.exit(error)
            }
            do {
                try await app.runService()
            } catch {
                await environment.audit.flush()
                CommandLineFailure.exit(message: "resource-server stopped: \(error)")
            }
            // The read calls' entries still waiting for their batch.
            await environment.audit.flush()
        }
    }
}
