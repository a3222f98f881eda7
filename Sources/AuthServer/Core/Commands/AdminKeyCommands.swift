import ArgumentParser
import Foundation
import Shared

struct KeyCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "keys", abstract: "Manage signing keys.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a new signing key: published now, signing in a minute. Old keys stay published until every token they signed has expired."
        )

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            let keyID = try await environment.keyRing.rotate(tenantID: tenant.id)
            let delay = Int(AuthPolicy.signingKeyActivationDelay)
            writeLine(
                "new key \(keyID), published now, signs from \(delay) s on; previous keys stay in the JWKS for \(delay + Int(AuthPolicy.retiredKeyPublication)) s")
        }
    }
}
