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
