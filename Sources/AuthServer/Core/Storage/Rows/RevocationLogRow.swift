import Foundation
import GRDB
import Shared

/// A row of `revocation_log` as the stream reads it: the event's number, kind, subject and time (whole seconds
/// in the event).
struct RevocationLogRow: Decodable, FetchableRecord {
    var seq: Int64
    var kind: String
    var subject: String
    var revokedAt: Date

    enum CodingKeys: String, CodingKey {
        case seq, kind, subject, revokedAt = "revoked_at"
    }

    func model() throws -> RevocationEvent {
        guard let kind = RevocationEvent.Kind(rawValue: kind) else { throw AuthStorageError.corruptRow("revocation_log.kind") }
        return RevocationEvent(seq: seq, kind: kind, subject: subject, at: Int64(revokedAt.timeIntervalSince1970.rounded(.down)))
    }
}
