import ArgumentParser
import Foundation
import ServiceDesk
import Shared

/// `resource-server seed-demo`: fills an empty tenant with the demo service desk (`DemoDataSet`).
struct SeedDemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-demo",
        abstract: "Fill an empty tenant with a realistic demo service desk.",
        discussion: """
            Loads 40 customers, 4,000 tickets with threads, 1,500 devices, 600 alerts, contracts, backup jobs, invoices, rules and \
            audit entries, the same on every machine, in one transaction; --scale N loads N such copies (N = 100: 400,000 tickets \
            with 1.8 million notes). Exit status: 0 seeded; 2 wrong settings or unknown tenant; \
            \(Self.alreadySeededStatus) the tenant already holds service-desk data, nothing was changed.
            """
    )

    /// Distinct from wrong settings (2), so scripts can seed "if not yet done" and still fail on real errors.
    static let alreadySeededStatus: Int32 = 3

    @Option(help: "Tenant id.") var tenant = Tenant.defaultID
    @Option(help: "Copies of the demo to load (1 to \(Self.maximumScale)).") var scale = 1

    static let maximumScale = 1_000

    func validate() throws {
        guard (1...Self.maximumScale).contains(scale) else { throw ValidationError("--scale must be between 1 and \(Self.maximumScale)") }
    }

    func run() async throws {
        let environment = try await CommandEnvironment.open(tenant: tenant)
        let started = ContinuousClock.now
        let now = Date()
        let records = DemoDataSet.make(tenantID: tenant, now: now)
        do {
            try await environment.serviceDesk.importRecords(batches: scale, intoEmptyTenant: tenant) { [tenant] copy in
                copy == 0 ? records : DemoDataSet.make(tenantID: tenant, now: now, copy: copy)
            }
        } catch let error as TenantNotEmptyError {
            CommandLineFailure.exit(
                message: "tenant '\(tenant)' already holds service-desk data (\(error.customers) customers); seed-demo only fills an empty tenant",
                status: Self.alreadySeededStatus
            )
        }
        let counts = try await environment.serviceDesk.counts(tenantID: tenant)
        let elapsed = ContinuousClock.now - started
        print(Self.summary(counts: counts, records: records, tenant: tenant, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
    }

    static func summary(counts: ServiceDeskCounts, records: ServiceDeskRecords, tenant: String, seconds: Double) -> String {
        let examples = records.companies.filter { $0.status == .active }.prefix(5)
        let company = examples.first!
        return """
            seeded tenant '\(tenant)' in \(String(format: "%.1f", seconds)) s: \(counts.companies) customers (\(counts.contacts) contacts, \
            \(counts.sites) sites), \(counts.tickets) tickets (\(counts.notes) notes), \(counts.assets) devices, \(counts.alerts) alerts \
            (\(counts.alertEvents) events), \(counts.contracts) contracts, \(counts.backupJobs) backup jobs, \(counts.invoices) invoices, \
            \(counts.rules) rules (\(counts.ruleExecutions) runs), \(counts.auditEntries) audit entries

            Customer ids (a company user's --company is one of these):
            \(examples.map { "  \($0.id)  \($0.name)" }.joined(separator: "\n"))

            Tickets are assigned to \(DemoVocabulary.technicians.joined(separator: ", ")).
            A person added with one of those emails sees their tickets with list_my_assignments, e.g.
              auth-server admin user add --email \(DemoVocabulary.technicians[1]) --role technician --password-stdin
            and a company user sees only their company, e.g.
              auth-server admin user add --email office@\(company.domain) --role company --company \(company.id) --password-stdin
            """
    }
}
