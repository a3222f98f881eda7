import Foundation
import GRDB
import Shared

/// A row of `ledger`; `seq`, the order entries were stored in, is the database's to give, and is read back as
/// a page's position.
struct LedgerRow: Codable, FetchableRecord {
    var seq: Int64?
    var tenantID: String
    var id: String
    var occurredAt: Date
    var event: String
    var actorID: String?
    var actorEmail: String?
    var subjectID: String?
    var grantID: String?
    var clientID: String?
    var outcome: String
    var clientAddress: String?
    var detail: String?

    enum CodingKeys: String, CodingKey {
        case seq, tenantID = "tenant_id", id, occurredAt = "occurred_at", event, actorID = "actor_id", actorEmail = "actor_email"
        case subjectID = "subject_id", grantID = "grant_id", clientID = "client_id", outcome, clientAddress = "client_address", detail
    }

    var model: LedgerEntry {
        LedgerEntry(
            tenantID: tenantID, id: id, occurredAt: occurredAt, event: event, actorID: actorID, actorEmail: actorEmail, subjectID: subjectID,
            grantID: grantID, clientID: clientID, outcome: outcome, clientAddress: clientAddress, detail: detail)
    }

    func positioned() throws -> PositionedLedgerEntry {
        guard let seq else { throw AuthStorageError.corruptRow("ledger.seq") }
        return PositionedLedgerEntry(position: seq, entry: model)
    }
}

extension LedgerRow {
    init(_ entry: LedgerEntry) {
        self.init(
            seq: nil, tenantID: entry.tenantID, id: entry.id, occurredAt: entry.occurredAt, event: entry.event, actorID: entry.actorID,
            actorEmail: entry.actorEmail, subjectID: entry.subjectID, grantID: entry.grantID, clientID: entry.clientID, outcome: entry.outcome,
            clientAddress: entry.clientAddress, detail: entry.detail)
    }
}
