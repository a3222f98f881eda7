import Foundation
import Shared

/// The auth-server's audit ledger (docs/security.md § The audit ledger): appended to, read per grant or person,
/// exported, and pruned after the retention.
public protocol LedgerStore: Sendable {
    func appendLedger(_ entries: [LedgerEntry]) async throws
    /// Entries matching `filter`, newest first, at most `limit`: what a grant's or a person's timeline shows.
    func ledgerEntries(tenantID: String, matching filter: LedgerFilter, limit: Int) async throws -> [LedgerEntry]
    /// Entries matching `filter` in the order they were stored, after `position` (0 for the start), at most `limit`:
    /// an export reads them page by page.
    func ledgerPage(tenantID: String, matching filter: LedgerFilter, after position: Int64, limit: Int) async throws -> [PositionedLedgerEntry]
    /// Forgets every tenant's entries older than `date`; returns how many.
    func pruneLedger(before date: Date) async throws -> Int
}

/// Which entries: every field set must match.
public struct LedgerFilter: Sendable, Equatable {
    public var grantID: String?
    /// Entries whose actor or subject is this person (or service account).
    public var personID: String?
    /// Entries whose actor email is this, such as failed sign-ins that tried it; with `personID`, either matches.
    public var personEmail: String?
    public var since: Date?

    public init(grantID: String? = nil, personID: String? = nil, personEmail: String? = nil, since: Date? = nil) {
        self.grantID = grantID
        self.personID = personID
        self.personEmail = personEmail
        self.since = since
    }
}

public struct PositionedLedgerEntry: Sendable, Equatable {
    public let position: Int64
    public let entry: LedgerEntry
}
