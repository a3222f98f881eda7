import ArgumentParser
import Foundation
import Shared

struct TokenCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Mint tokens by hand.", subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an access token for a person: a way to try the MCP endpoint with curl before any client is connected.",
            discussion: """
                The scopes are narrowed to what the person's role may hold, and the token belongs to a grant of its own, \
                which the person's connected apps list and anyone who may see it can revoke.
                """
        )

        @Option(help: "The person's email.") var email: String
        @Option(help: "Space-separated scopes.") var scope = ""
        @Option(help: "Lifetime in seconds, 1 to \(AuthPolicy.accessTokenMaxLifetime).") var ttl: Int64 = AuthPolicy.accessTokenMaxLifetime
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            guard (1...AuthPolicy.accessTokenMaxLifetime).contains(ttl) else {
                throw ValidationError("--ttl must be between 1 and \(AuthPolicy.accessTokenMaxLifetime) seconds")
            }
            guard ScopeList.parse(scope) != nil else { throw ValidationError("--scope holds characters a scope cannot have") }
        }

        func run() async throws {
            let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
            let issued = try await AdminTokenIssuer(storage: environment.storage, accessTokens: AccessTokenIssuer(keyRing: environment.keyRing))
                .issue(for: user, tenant: tenant, scopes: ScopeList.parse(scope) ?? [], lifetime: ttl)
            if !issued.dropped.isEmpty {
                FileHandle.standardError.write(Data("left out (beyond the person's role, or mfa, which needs a second factor entered): \(issued.dropped.joined(separator: " "))\n".utf8))
            }
            writeLine(issued.token)
        }
    }
}
