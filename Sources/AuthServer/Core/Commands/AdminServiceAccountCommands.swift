import ArgumentParser
import Foundation
import Shared

/// `auth-server admin service-account`: integrations' own identities (docs/tokens.md § Service accounts).
struct ServiceAccountCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "service-account", abstract: "Manage service accounts: integrations that use the client credentials grant.",
        subcommands: [Create.self, List.self, RotateSecret.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a service account and print {\"client_id\":…,\"client_secret\":…} as one JSON object.",
            discussion: """
                Standard output carries the JSON object and nothing else; the secret is kept only as its SHA-256. With --jwks or \
                --jwks-uri the account authenticates with private_key_jwt and no secret is made.
                """)

        @Option(help: "What the account is for, shown wherever it is listed.") var name: String
        @Option(help: "Space-separated scopes; those beyond the account's role, and mfa, are left out.") var scope = ""
        @Option(help: "Bind the account to this company: it acts as that company's users would.") var company: String?
        @Option(help: "A file holding the JWK Set whose keys sign its client assertions (private_key_jwt).") var jwks: String?
        @Option(help: "An https URL serving that JWK Set (private_key_jwt).") var jwksURI: String?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            guard ScopeList.parse(scope) != nil else { throw ValidationError("--scope holds characters a scope cannot have") }
            guard jwks == nil || jwksURI == nil else { throw ValidationError("give --jwks or --jwks-uri, not both") }
        }

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            var credentials = ServiceAccounts.Credentials.secret
            if let jwks {
                guard let text = try? String(contentsOfFile: jwks, encoding: .utf8) else { CommandLineFailure.exit(message: "cannot read \(jwks)") }
                credentials = .jwks(text)
            } else if let jwksURI {
                credentials = .jwksURI(jwksURI)
            }
            do {
                let made = try await environment.serviceAccounts.create(
                    .init(name: name, scopes: ScopeList.parse(scope) ?? [], companyID: company, credentials: credentials), tenant: tenant, by: nil)
                if !made.dropped.isEmpty {
                    FileHandle.standardError.write(Data("left out (beyond the account's role, unknown, or mfa): \(made.dropped.joined(separator: " "))\n".utf8))
                }
                writeLine(try ServiceAccountCommands.json(made.issued))
            } catch let refusal as ServiceAccounts.Refusal {
                CommandLineFailure.exit(message: refusal.message)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the service accounts: id, name, scopes, company, authentication, created, secret rotated, state (tab-separated).")

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            writeLine(["ID", "NAME", "SCOPES", "COMPANY", "AUTH", "CREATED", "SECRET ROTATED", "STATE"].joined(separator: "\t"))
            for account in try await environment.serviceAccounts.list(tenantID: tenant.id) {
                let method = try await environment.storage.client(tenantID: tenant.id, id: account.id)?.authMethod.rawValue ?? "-"
                let state = account.revokedAt.map { "revoked \(time($0))" } ?? "active"
                writeLine(
                    [account.id, account.name, account.scopes.joined(separator: " "), account.companyID ?? "-", method, time(account.createdAt),
                     account.secretRotatedAt.map(time) ?? "never", state]
                        .map { $0.replacingOccurrences(of: "\t", with: " ") }.joined(separator: "\t"))
            }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give the account a new secret and print it as `create` does; the old secret stops working at once.",
            discussion: "Tokens issued before live out their lifetime (at most an hour); revoke the account to end them too.")

        @Argument(help: "The account's id (svc_…).") var id: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            guard let issued = try await environment.serviceAccounts.rotateSecret(id: id, tenantID: tenant.id, by: nil) else {
                CommandLineFailure.exit(message: "no active service account \(id) with a secret in tenant \(tenant.id)", status: 1)
            }
            writeLine(try ServiceAccountCommands.json(issued))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "End the account, its grant and its tokens at once.",
            discussion: "The resource-servers refuse its tokens from the revocation stream within a second.", aliases: ["delete"])

        @Argument(help: "The account's id (svc_…).") var id: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            guard let account = try await environment.serviceAccounts.revoke(id: id, tenantID: tenant.id, by: nil) else {
                CommandLineFailure.exit(message: "no active service account \(id) in tenant \(tenant.id)", status: 1)
            }
            writeLine("revoked \(account.id) (\(account.name))")
        }
    }

    static func json(_ issued: ServiceAccounts.Issued) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(issued), as: UTF8.self)
    }
}

private func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
