import ArgumentParser
import Foundation
import ServiceDesk
import Shared

/// `resource-server admin …`: the operator's commands on the resource-server's data.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer the service desk's data.", subcommands: [Audit.self, TenantSettings.self]
    )

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "audit", abstract: "The audit log of tool calls.", subcommands: [Export.self])

        struct Export: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Print the tenant's audit log as JSON lines, oldest first.",
                discussion: """
                    One object per tool call: occurred_at, tool, subject, client_id, grant_id, token_kind, argument_digest (SHA-256 of the \
                    arguments; the arguments themselves are never kept), outcome, dry_run, duration_ms, ticket_id, company_id, actor_email, \
                    client_address. Safe to run while the server runs; calls from the last fraction of a second may not be written yet.
                    """
            )

            @Option(help: "Only the calls of this grant id.") var grant: String?
            @Flag(help: "Print each call in the auth-server ledger's shape (event tool.call), to merge with `auth-server admin audit export`.")
            var ledger = false
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID

            func run() async throws {
                let environment = try await CommandEnvironment.open(tenant: tenant)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                var position: Int64 = 0
                while true {
                    let batch = try await environment.serviceDesk.auditLog(tenantID: tenant, after: position, limit: 1000)
                    guard let last = batch.last else { break }
                    var lines = Data()
                    for item in batch where grant.map({ $0 == item.entry.grantID }) ?? true {
                        lines.append(ledger ? Data(item.entry.ledgerEntry.jsonLine.utf8) : try encoder.encode(item.entry))
                        lines.append(UInt8(ascii: "\n"))
                    }
                    FileHandle.standardOutput.write(lines)
                    position = last.position
                }
            }
        }
    }

    struct TenantSettings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tenant", abstract: "Show or change the tenant's write policy.", subcommands: [Show.self, Set.self]
        )

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the tenant's settings.")
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID

            func run() async throws {
                let environment = try await CommandEnvironment.open(tenant: tenant)
                let settings = try await environment.serviceDesk.settings(tenantID: tenant)
                print("confirm_writes = \(settings.confirmWrites ? "on" : "off")")
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change the tenant's settings.",
                discussion: "confirm_writes on: every write tool answers a preview and a confirmation id first, and acts only when called again with confirm."
            )
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID
            @Option(name: .customLong("confirm-writes"), help: "on or off.") var confirmWrites: Switch

            enum Switch: String, ExpressibleByArgument, CaseIterable {
                case on, off
            }

            func run() async throws {
                let environment = try await CommandEnvironment.open(tenant: tenant)
                try await environment.serviceDesk.saveSettings(DeskSettings(confirmWrites: confirmWrites == .on), tenantID: tenant)
                print("confirm_writes = \(confirmWrites.rawValue) for tenant '\(tenant)'; running servers apply it to the next write")
            }
        }
    }
}
