import ArgumentParser
import Foundation
import Shared

struct ClientCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client", abstract: "Decide which apps may be connected (see `admin tenant set --app-policy`).",
        subcommands: [List.self, Approve.self, Block.self, Delete.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the apps: id, name, kind, verified host or metadata URL, state, created, last used (tab-separated).",
            discussion: "A pending app someone asked for shows who and when. A registered name is whatever the registrant typed; only a metadata URL is verified.")

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            for client in try await environment.storage.clients(tenantID: tenant.id) {
                writeLine(try await Self.line(client, storage: environment.storage))
            }
        }

        static func line(_ client: Client, storage: any AuthStorage) async throws -> String {
            var state = client.approval.state.rawValue
            if let at = client.approval.requestedAt {
                var who = "someone since removed"
                if let id = client.approval.requestedBy, let user = try await storage.user(tenantID: client.tenantID, id: id) { who = user.email }
                state += " (asked by \(who) at \(time(at)))"
            }
            // A metadata document's URL is verified by TLS when fetched; a registered name is not (`Client.verifiedHost`).
            let verified = client.kind == .metadataDocument ? client.id : "-"
            return [client.id, client.name, client.kind.rawValue, verified, state, time(client.createdAt), client.lastUsedAt.map(time) ?? "never"]
                .map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
                .joined(separator: "\t")
        }

        static func time(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let people connect this app under the `approved` policy.")

        @Argument(help: "The app's client id.") var clientID: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            guard try await ClientDecisions(storage: environment.storage).approve(tenantID: tenant.id, clientID: clientID) else {
                CommandLineFailure.exit(message: "no app with client id \(clientID) in tenant \(tenant.id)")
            }
            writeLine("approved \(clientID)")
        }
    }

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse this app under every policy and end its grants at once.",
            discussion: "The resource-servers refuse its tokens from the revocation stream within a second; its refresh tokens stop working.")

        @Argument(help: "The app's client id.") var clientID: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            guard let ended = try await ClientDecisions(storage: environment.storage).block(tenantID: tenant.id, clientID: clientID, at: Date()) else {
                CommandLineFailure.exit(message: "no app with client id \(clientID) in tenant \(tenant.id)")
            }
            writeLine("blocked \(clientID); \(ended) grant(s) ended")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget this app and end its grants. It may register again and then starts over (pending under `approved`).")

        @Argument(help: "The app's client id.") var clientID: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            guard try await ClientDecisions(storage: environment.storage).delete(tenantID: tenant.id, clientID: clientID) else {
                CommandLineFailure.exit(message: "no app with client id \(clientID) in tenant \(tenant.id)")
            }
            writeLine("deleted \(clientID)")
        }
    }
}
