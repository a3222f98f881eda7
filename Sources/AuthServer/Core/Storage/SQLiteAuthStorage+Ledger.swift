import Foundation
import GRDB
import Shared

extension SQLiteAuthStorage {
    public func appendLedger(_ entries: [LedgerEntry]) async throws {
        guard !entries.isEmpty else { return }
        try await database.write { db in try Self.appendLedger(db, entries) }
    }

    /// In the caller's transaction, so an event and what it records commit together.
    ///
    /// Positional arguments, the date written by `UTCTimestamp` in GRDB's own form: the row's Codable encoding and
    /// GRDB's `DateFormatter` were a thirtieth of a refresh grant, whose entry this writes.
    static func appendLedger(_ db: Database, _ entries: [LedgerEntry]) throws {
        for entry in entries {
            try db.execute(
                cached: """
                    INSERT INTO ledger (tenant_id, id, occurred_at, event, actor_id, actor_email, subject_id, grant_id, client_id, outcome,
                        client_address, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.tenantID, entry.id, UTCTimestamp.stored(entry.occurredAt), entry.event, entry.actorID, entry.actorEmail, entry.subjectID,
                    entry.grantID, entry.clientID, entry.outcome, entry.clientAddress, entry.detail,
                ])
        }
    }

    public func ledgerEntries(tenantID: String, matching filter: LedgerFilter, limit: Int) async throws -> [LedgerEntry] {
        let (condition, arguments) = Self.ledgerCondition(tenantID: tenantID, filter)
        return try await database.read { db in
            try LedgerRow.fetchAll(db, sql: "SELECT * FROM ledger WHERE \(condition) ORDER BY seq DESC LIMIT ?", arguments: arguments + [limit])
                .map(\.model)
        }
    }

    public func ledgerPage(tenantID: String, matching filter: LedgerFilter, after position: Int64, limit: Int) async throws -> [PositionedLedgerEntry] {
        let (condition, arguments) = Self.ledgerCondition(tenantID: tenantID, filter)
        return try await database.read { db in
            try LedgerRow.fetchAll(
                db, sql: "SELECT * FROM ledger WHERE \(condition) AND seq > ? ORDER BY seq LIMIT ?", arguments: arguments + [position, limit]
            ).map { try $0.positioned() }
        }
    }

    public func pruneLedger(before date: Date) async throws -> Int {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM ledger WHERE occurred_at < ?", arguments: [date])
            return db.changesCount
        }
    }

    private static func ledgerCondition(tenantID: String, _ filter: LedgerFilter) -> (String, StatementArguments) {
        var conditions = ["tenant_id = ?"]
        var arguments: StatementArguments = [tenantID]
        if let grantID = filter.grantID {
            conditions.append("grant_id = ?")
            arguments += [grantID]
        }
        switch (filter.personID, filter.personEmail) {
        case (let id?, let email?):
            conditions.append("(actor_id = ? OR subject_id = ? OR actor_email = ?)")
            arguments += [id, id, User.normalise(email: email)]
        case (let id?, nil):
            conditions.append("(actor_id = ? OR subject_id = ?)")
            arguments += [id, id]
        case (nil, let email?):
            conditions.append("actor_email = ?")
            arguments += [User.normalise(email: email)]
        case (nil, nil): break
        }
        if let since = filter.since {
            conditions.append("occurred_at >= ?")
            arguments += [since]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }
}
