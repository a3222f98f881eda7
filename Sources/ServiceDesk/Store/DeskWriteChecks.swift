import Foundation

/// The checks around a write that both engines make on what they read back: an idempotency key's earlier
/// call, a confirmation's state, and whether a replayed answer is still the caller's to see.
enum DeskWriteChecks {
    /// The earlier call's answer when it was the same call; a different call with the key is refused, so a
    /// key can never do two different things.
    static func remembered(tool: String, argumentDigest: String, report: String, for write: DeskWrite) throws -> DeskWriteReport {
        guard tool == write.fingerprint.tool, argumentDigest == write.fingerprint.argumentDigest else { throw DeskWriteError.idempotencyKeyReused }
        return try decoded(report)
    }

    /// A confirmation row as stored.
    struct Confirmation {
        var subject: String
        var tool: String
        var argumentDigest: String
        var expiresAt: Date
        var usedAt: Date?
        var report: String?
    }

    /// Checks that a confirmation may be spent on this call: it is the caller's, open and given for these
    /// arguments. A confirmation the caller already spent on this same call returns the answer it got.
    static func confirmation(_ row: Confirmation?, id: String, for write: DeskWrite) throws -> DeskWriteReport? {
        guard let row, row.subject == write.fingerprint.subject else {
            throw DeskWriteError.confirmation("confirm '\(id)' is not a confirmation id you were given. Call the tool without confirm to get one.")
        }
        let sameCall = row.tool == write.fingerprint.tool && row.argumentDigest == write.fingerprint.argumentDigest
        if row.usedAt != nil {
            guard sameCall else {
                throw DeskWriteError.confirmation("confirmation \(id) was already used for another change. Call the tool without confirm to get a new one.")
            }
            // Spent before answers were kept (SQLite migration v4): done, but there is no answer to repeat.
            guard let report = row.report else {
                throw DeskWriteError.conflict("confirmation \(id) was already used for this very change, which was carried out. Read the record to see it")
            }
            return try decoded(report)
        }
        guard row.expiresAt >= write.now else {
            throw DeskWriteError.confirmation("confirmation \(id) has expired (they last 10 minutes). Call the tool without confirm to get a new one.")
        }
        guard sameCall else {
            throw DeskWriteError.confirmation(
                "confirmation \(id) was given for a different call. Repeat exactly the arguments of the preview, with confirm added."
            )
        }
        return nil
    }

    /// The person may have moved to another company since: the earlier answer is then not theirs to see.
    static func checkReplay(_ earlier: DeskWriteReport, scope: ServiceDeskScope) throws {
        if let company = scope.companyID, earlier.customerID != company {
            throw DeskWriteError.conflict("the earlier call this repeats concerned a customer you can no longer see; make a new call")
        }
    }

    static func isCommit(_ mode: DeskWrite.Mode) -> Bool {
        if case .commit = mode { return true }
        return false
    }

    /// A new ticket that was worked out and rolled back has no id worth naming; its customer is real.
    static func keptTicketID(_ write: DeskWrite, _ report: DeskWriteReport) -> String? {
        if case .createTicket = write.change, !isCommit(write.mode) { return nil }
        return report.ticket?.id
    }

    static func encoded(_ report: DeskWriteReport) throws -> String {
        String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
    }

    static func decoded(_ text: String) throws -> DeskWriteReport {
        try JSONDecoder().decode(DeskWriteReport.self, from: Data(text.utf8))
    }
}
