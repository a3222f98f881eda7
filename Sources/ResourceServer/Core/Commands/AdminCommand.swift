import ArgumentParser
import Foundation
import ServiceDesk
import Shared

/// `resource-server admin …`: the operator's commands on the resource-server's data.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer the service desk's data.", subcommands: [Audit.self, TenantSettings.self, Backup.self]
    )

    /// An online copy of the service desk's database (`SQLiteBackup`).
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the database while the server runs: consistent, checked, readable by its owner only.",
            discussion: """
                The copy holds every write answered before it began: tickets, notes, the audit log, tenant settings. The \
                resource-server's credentials file (resource-server.credentials) is not in it; keep it with the \
                auth-server's key-encryption key. README § Backups and restore gives the steps back. With GATEHOUSE_DATABASE_URL \
                the data is in PostgreSQL: this command refuses and names pg_dump -n gatehouse_resource instead.
                """)

        @Option(help: "Where to write the copy; must not exist.") var to: String

        func run() async throws {
            let settings = CommandEnvironment.settings()
            if let location = settings.database {
                CommandLineFailure.exit(
                    message: """
                        the data is in PostgreSQL (\(location.redacted), schema \(ResourceServerEnvironment.postgresSchema)), which this command does \
                        not copy: back it up with pg_dump -n \(ResourceServerEnvironment.postgresSchema) (README § Running on PostgreSQL)
                        """)
            }
            let database = (settings.dataDirectory as NSString).appendingPathComponent(ResourceServerEnvironment.databaseFileName)
            do {
                let bytes = try SQLiteBackup.copy(databaseAt: database, to: to)
                print("backed up \(database) to \(to) (\(bytes) bytes, integrity checked)")
            } catch let failure as SQLiteBackup.Failure {
                CommandLineFailure.exit(message: failure.description)
            }
        }
    }

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
                encoder.dateEncodingStrategy = AuditTime.encoding
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
            commandName: "tenant", abstract: "Show or change the tenant's write policy and feature switches.", subcommands: [Show.self, Set.self]
        )

        struct Show: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print the tenant's settings.")
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID

            func run() async throws {
                let environment = try await CommandEnvironment.open(tenant: tenant)
                let settings = try await environment.serviceDesk.settings(tenantID: tenant)
                print("confirm_writes = \(settings.confirmWrites ? "on" : "off")")
                print(FeatureSwitch.describe(switchedOff: try await environment.storage.switchedOffModules(tenantID: tenant)).joined(separator: "\n"))
            }
        }

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Change the tenant's settings.",
                discussion: """
                    confirm_writes on: every write tool answers a preview and a confirmation id first, and acts only when called again with confirm. \
                    --feature MODULE=off hides the module's tools from tools/list and the metadata, and answers a call of one with a tool error \
                    naming the switch; =on brings them back. Modules: \(ToolModule.names). whoami is in no module. Running servers apply a change \
                    within \(Int(FeatureSwitchboard.lifetime)) seconds.
                    """
            )
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID
            @Option(name: .customLong("confirm-writes"), help: "on or off.") var confirmWrites: Switch?
            @Option(name: .customLong("feature"), help: "MODULE=on or MODULE=off; repeatable.") var features: [String] = []

            enum Switch: String, ExpressibleByArgument, CaseIterable {
                case on, off
            }

            func validate() throws {
                guard confirmWrites != nil || !features.isEmpty else { throw ValidationError("Give --confirm-writes or --feature (or both).") }
                for feature in features {
                    do {
                        _ = try FeatureSwitch.parse(feature)
                    } catch {
                        throw ValidationError("--feature \(error.description)")
                    }
                }
            }

            func run() async throws {
                let environment = try await CommandEnvironment.open(tenant: tenant)
                if let confirmWrites {
                    try await environment.serviceDesk.saveSettings(DeskSettings(confirmWrites: confirmWrites == .on), tenantID: tenant)
                    print("confirm_writes = \(confirmWrites.rawValue) for tenant '\(tenant)'; running servers apply it to the next write")
                }
                guard !features.isEmpty else { return }
                let switches = try features.map { try FeatureSwitch.parse($0) }
                try await environment.features.set(
                    Dictionary(switches.map { ($0.module, $0.enabled) }, uniquingKeysWith: { _, last in last }), tenantID: tenant)
                for item in switches { print("feature \(item.module.rawValue) = \(item.enabled ? "on" : "off") for tenant '\(tenant)'") }
                print("running servers apply feature switches within \(Int(FeatureSwitchboard.lifetime)) seconds")
            }
        }
    }
}
