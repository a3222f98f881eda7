import ArgumentParser
import Foundation
import Shared

/// `auth-server admin audit`: the ledger from a shell (docs/security.md § The audit ledger).
struct AuditCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read the audit ledger.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print ledger entries as JSON lines, oldest first.",
            discussion: "Entries are kept GATEHOUSE_AUDIT_RETENTION_DAYS days. Filters combine: every one given must match.")

        @Option(help: "Only entries at or after this time: YYYY-MM-DD (UTC) or an ISO 8601 date and time.") var since: String?
        @Option(help: "Only entries of this grant id.") var grant: String?
        @Option(help: "Only entries by or about the person with this email, failed sign-ins that tried it included.") var person: String?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            if let since, Self.date(since) == nil { throw ValidationError("--since must be YYYY-MM-DD or an ISO 8601 date and time") }
        }

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            var filter = LedgerFilter(grantID: grant, since: since.flatMap(Self.date))
            if let person {
                filter.personEmail = person
                filter.personID = try await environment.storage.user(tenantID: tenant.id, email: person)?.id
            }
            try await environment.ledger.export(tenantID: tenant.id, matching: filter) { writeLine($0.jsonLine) }
        }

        static func date(_ text: String) -> Date? {
            if let instant = ISO8601DateFormatter().date(from: text) { return instant }
            let day = ISO8601DateFormatter()
            day.formatOptions = [.withFullDate]
            return text.count == 10 ? day.date(from: text) : nil
        }
    }
}
