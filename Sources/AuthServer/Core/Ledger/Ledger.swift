import Foundation
import Logging
import Shared

/// Where the auth-server's security events go: one entry per event in its own store (docs/security.md § The audit
/// ledger). A failure to record is logged and never fails what was recorded: the ledger reports, it does not gate.
public struct Ledger: Sendable {
    let store: any LedgerStore
    let logger: Logger

    public init(store: any LedgerStore, logger: Logger = Logger(label: "auth-server.ledger")) {
        self.store = store
        self.logger = logger
    }

    /// Builds the entry with free text bounded (`LedgerEntry.bounded`) and stores it.
    public func record(
        _ event: LedgerEvent, tenantID: String, actorID: String? = nil, actorEmail: String? = nil, subjectID: String? = nil, grantID: String? = nil,
        clientID: String? = nil, outcome: String = "ok", address: ClientAddress? = nil, detail: String? = nil, at now: Date = Date()
    ) async {
        await record(
            Self.entry(
                event, tenantID: tenantID, actorID: actorID, actorEmail: actorEmail, subjectID: subjectID, grantID: grantID, clientID: clientID,
                outcome: outcome, address: address, detail: detail, at: now))
    }

    public func record(_ entry: LedgerEntry) async {
        do {
            try await store.appendLedger([entry])
        } catch {
            logger.error("ledger entry could not be stored", metadata: ["event": "\(entry.event)", "error": "\(error)"])
        }
    }

    /// A grant's entries, newest first, at most `limit`: its timeline on the auth-server's side.
    public func entries(tenantID: String, grantID: String, limit: Int = Self.timelineLimit) async throws -> [LedgerEntry] {
        try await store.ledgerEntries(tenantID: tenantID, matching: LedgerFilter(grantID: grantID), limit: limit)
    }

    /// Entries by or about the person (their failed sign-ins included), newest first, at most `limit`.
    public func entries(tenantID: String, person: User, limit: Int = Self.timelineLimit) async throws -> [LedgerEntry] {
        try await store.ledgerEntries(tenantID: tenantID, matching: LedgerFilter(personID: person.id, personEmail: person.email), limit: limit)
    }

    /// What one timeline shows at most: a page's worth, so a busy grant cannot make a page unbounded.
    public static let timelineLimit = 200

    /// Every entry matching `filter`, oldest first, read a page at a time: `admin audit export`.
    public func export(tenantID: String, matching filter: LedgerFilter, pageSize: Int = 500, _ each: (LedgerEntry) throws -> Void) async throws {
        var position: Int64 = 0
        while true {
            let page = try await store.ledgerPage(tenantID: tenantID, matching: filter, after: position, limit: pageSize)
            for positioned in page { try each(positioned.entry) }
            guard let last = page.last, page.count == pageSize else { return }
            position = last.position
        }
    }

    /// An administrator's decision, as `ClientDecisions` and `PeopleDecisions` record it: the admin as actor on the
    /// pages; none from the command line, which the detail says (its `admin.command` entry has the arguments).
    public static func decision(
        _ event: LedgerEvent, tenantID: String, by actor: User?, subjectID: String?, clientID: String? = nil, detail: String? = nil, at now: Date
    ) -> LedgerEntry {
        let said = [detail, actor == nil ? "by an administrator (command line)" : nil].compactMap { $0 }
        return entry(
            event, tenantID: tenantID, actorID: actor?.id, actorEmail: actor?.email, subjectID: subjectID, clientID: clientID,
            detail: said.isEmpty ? nil : said.joined(separator: "; "), at: now)
    }

    public static func entry(
        _ event: LedgerEvent, tenantID: String, actorID: String? = nil, actorEmail: String? = nil, subjectID: String? = nil, grantID: String? = nil,
        clientID: String? = nil, outcome: String = "ok", address: ClientAddress? = nil, detail: String? = nil, at now: Date
    ) -> LedgerEntry {
        LedgerEntry(
            tenantID: tenantID, occurredAt: now, event: event.rawValue, actorID: LedgerEntry.bounded(actorID), actorEmail: LedgerEntry.bounded(actorEmail),
            subjectID: LedgerEntry.bounded(subjectID), grantID: grantID, clientID: LedgerEntry.bounded(clientID), outcome: outcome,
            clientAddress: address?.description, detail: LedgerEntry.bounded(detail))
    }
}
