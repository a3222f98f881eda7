import ArgumentParser
import Foundation
import Logging
import Shared

/// `auth-server admin pat`: personal access tokens from a shell, under the same rules as /account/tokens.
struct PersonalAccessTokenCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pat", abstract: "Manage personal access tokens.", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a personal access token for a person and print it; only its SHA-256 is kept.",
            discussion: "Standard output carries the token and nothing else, so it can go straight into a secret store.")

        @Option(help: "The person's email.") var email: String
        @Option(help: "Space-separated scopes; those beyond the person's role are left out.") var scope = ""
        @Option(help: "What the token is for, shown wherever it is listed.") var label: String
        @Option(help: "Days until it expires (at most GATEHOUSE_PAT_MAX_DAYS).") var expiresInDays = 90
        @Option(help: "Staff only: the token sees only this company, as its users would.") var company: String?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            guard ScopeList.parse(scope) != nil else { throw ValidationError("--scope holds characters a scope cannot have") }
            guard expiresInDays > 0 else { throw ValidationError("--expires-in-days must be at least 1") }
        }

        func run() async throws {
            let settings = try loadSettings()
            let environment = try await openEnvironment(settings)
            let tenant = try await environment.tenant(id: tenant)
            let user = try await person(email, in: tenant, environment)
            let tokens = PersonalAccessTokenCommands.service(environment, settings)
            let now = Date()
            do {
                let made = try await tokens.create(
                    for: user, tenant: tenant,
                    .init(label: label, scopes: ScopeList.parse(scope) ?? [], expiresAt: now.addingTimeInterval(TimeInterval(expiresInDays) * 86_400),
                        companyID: company),
                    now: now)
                if !made.dropped.isEmpty {
                    FileHandle.standardError.write(Data("left out (beyond the person's role, or mfa, which is entered, not held): \(made.dropped.joined(separator: " "))\n".utf8))
                }
                FileHandle.standardError.write(Data("made \(made.token.id) for \(user.email), expires \(PersonalAccessTokenCommands.time(made.token.expiresAt))\n".utf8))
                writeLine(made.value.value)
            } catch let refusal as PersonalAccessTokens.Refusal {
                CommandLineFailure.exit(message: refusal.message)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a person's active personal access tokens, or the tenant's.")

        @Option(help: "The person's email; without it, every token of the tenant.") var email: String?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            var userID: String?
            if let email { userID = try await person(email, in: tenant, environment).id }
            writeLine(["ID", "OWNER", "LABEL", "SCOPES", "COMPANY", "CREATED", "EXPIRES", "LAST USED"].joined(separator: "\t"))
            for token in try await environment.storage.personalAccessTokens(tenantID: tenant.id, userID: userID) {
                let owner = try await environment.storage.user(tenantID: tenant.id, id: token.userID)?.email ?? token.userID
                let lastUsed = token.lastUsedAt.map { "\(PersonalAccessTokenCommands.time($0)) from \(token.lastUsedAddress ?? "unknown")" } ?? "never"
                writeLine(
                    [token.id, owner, token.label, token.scopes.joined(separator: " "), token.companyID ?? "-", PersonalAccessTokenCommands.time(token.createdAt),
                     PersonalAccessTokenCommands.time(token.expiresAt), lastUsed].joined(separator: "\t"))
            }
        }
    }

    static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a personal access token at once.")

        @Argument(help: "The token's id (pat_…), as `pat list` shows it.") var id: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            let now = Date()
            guard let token = try await environment.storage.personalAccessToken(tenantID: tenant.id, id: id),
                try await environment.storage.revokeGrant(
                    tenantID: tenant.id, id: token.grantID, reason: "revoked by an administrator", at: now,
                    ledger: Ledger.entry(
                        .patRevoked, tenantID: tenant.id, subjectID: token.userID, grantID: token.grantID,
                        clientID: AuthPolicy.PersonalAccessTokens.clientID, detail: "\(token.id) by an administrator (command line)", at: now))
            else { CommandLineFailure.exit(message: "no active personal access token \(id) in tenant \(tenant.id)", status: 1) }
            writeLine("revoked \(token.id) (\(token.label))")
        }
    }

    static func service(_ environment: AuthServerEnvironment, _ settings: AuthServerSettings) -> PersonalAccessTokens {
        PersonalAccessTokens(
            storage: environment.storage, maxDays: settings.personalAccessTokenMaxDays, elevationWindowSeconds: settings.elevationWindowSeconds,
            logger: Logger(label: "auth-server admin"))
    }
}

/// The data folder opened with the settings, the tenant and the person with this email, or the process ends saying
/// which is missing: what every command about one person starts with.
func openPerson(_ email: String, tenant id: String) async throws -> (AuthServerEnvironment, Tenant, User) {
    let (environment, tenant) = try await openTenant(id)
    return (environment, tenant, try await person(email, in: tenant, environment))
}

/// The person with this email, or the process ends saying there is none.
func person(_ email: String, in tenant: Tenant, _ environment: AuthServerEnvironment) async throws -> User {
    guard let user = try await environment.storage.user(tenantID: tenant.id, email: email) else {
        CommandLineFailure.exit(message: "no person with email \(User.normalise(email: email)) in tenant \(tenant.id)")
    }
    return user
}
