import ArgumentParser
import Foundation
import Shared

struct KeyCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new active signing key. Old keys stay published until every token they signed has expired."
        )

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let environment = try await openEnvironment(try loadSettings())
            let tenant = try await environment.tenant(id: tenant)
            let keyID = try await environment.keyRing.rotate(tenantID: tenant.id)
            writeLine("new active key \(keyID); previous keys stay in the JWKS for \(AuthPolicy.retiredKeyPublication) s")
        }
    }
}
