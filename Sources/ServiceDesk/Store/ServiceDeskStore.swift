import Foundation
import ToolKit

/// The service desk's data, behind a protocol so PostgreSQL can follow SQLite. Every read takes a
/// `ServiceDeskScope` and applies it in the query itself: a row outside the scope is never fetched, so a
/// get by id answers nil exactly as for an id that does not exist.
public protocol ServiceDeskStore: AuditLogStore {
    func customers(_ filter: CustomerFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Company>
    func customer(id: String, asOf now: Date, scope: ServiceDeskScope) async throws -> CustomerDetail?
    /// - Parameters:
    ///   - failingSince: backups whose last run failed at or after this instant count as failing.
    ///   - contractsEndingBefore: running contracts ending on or before this instant count as expiring.
    func statusSnapshot(
        customerID: String, asOf now: Date, failingSince: Date, contractsEndingBefore: Date, scope: ServiceDeskScope
    ) async throws -> CustomerSnapshot?

    func tickets(_ filter: TicketFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Ticket>
    func ticket(id: String, noteLimit: Int, scope: ServiceDeskScope) async throws -> TicketDetail?
    /// Full-text search over subject, number, requester email and the notes the scope may see, best first.
    /// `text` is plain words: no search syntax of any kind is interpreted.
    func searchTickets(_ text: String, filter: TicketFilter, limit: Int, scope: ServiceDeskScope) async throws -> Page<TicketSearchHit>

    func alerts(_ filter: AlertFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Alert>
    func alert(id: String, scope: ServiceDeskScope) async throws -> AlertDetail?

    func assets(_ filter: AssetFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Asset>
    func asset(id: String, scope: ServiceDeskScope) async throws -> AssetDetail?

    func contracts(_ filter: ContractFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Contract>
    /// Backup jobs whose last run failed at or after `since`, newest failure first.
    func failingBackups(since: Date, customerID: String?, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<BackupJob>
    func invoices(_ filter: InvoiceFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<Invoice>
    /// Tickets and alerts changed at or after `since`, newest first.
    func recentChanges(since: Date, customerID: String?, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<ChangeRecord>
    /// Up to `limitPerKind` hits of each asked kind; plain words as in `searchTickets`.
    func searchEverything(
        _ text: String, kinds: [GlobalSearchHit.Kind], limitPerKind: Int, scope: ServiceDeskScope
    ) async throws -> Page<GlobalSearchHit>
    /// The audit entries of a ticket, newest first; nil when the ticket is not in the scope.
    func auditEntries(ticketID: String, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<AuditEntry>?

    /// Carries out a write tool's change with its idempotency record and audit entry in one transaction;
    /// throws `DeskWriteError` for what the caller can correct.
    func perform(_ write: DeskWrite, audit: AuditTrail) async throws -> DeskWriteResult
    /// The tenant's automation rules by name.
    func rules(tenantID: String) async throws -> [Rule]
    /// Rule runs, newest first.
    func ruleExecutions(_ filter: RuleExecutionFilter, page: PageRequest, scope: ServiceDeskScope) async throws -> Page<RuleExecution>
    /// The tenant's newest `limit` audit entries of one grant or one person, returned oldest first.
    func auditEntries(tenantID: String, of selection: AuditSelection, limit: Int) async throws -> [AuditEntry]
    func settings(tenantID: String) async throws -> DeskSettings
    func saveSettings(_ settings: DeskSettings, tenantID: String) async throws

    func counts(tenantID: String) async throws -> ServiceDeskCounts
    /// Adds `batches` batches of records, made one at a time by `make` (so a large load never holds all of
    /// it in memory), in one transaction; throws `TenantNotEmptyError` when the tenant has customers.
    func importRecords(
        batches: Int, intoEmptyTenant tenantID: String, make: @escaping @Sendable (Int) -> ServiceDeskRecords
    ) async throws
}

extension ServiceDeskStore {
    public func importRecords(_ records: ServiceDeskRecords, intoEmptyTenant tenantID: String) async throws {
        try await importRecords(batches: 1, intoEmptyTenant: tenantID) { _ in records }
    }
}
