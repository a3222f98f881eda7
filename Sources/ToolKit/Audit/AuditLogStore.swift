import Foundation
/// Where audit entries are kept: the service desk's own database, so a write and its entry commit together.
public protocol AuditLogStore: Sendable {
    func appendAudit(_ entries: [AuditEntry]) async throws
    /// The tenant's entries in the order they were stored, after `position` (0 for the start), at most `limit`.
    func auditLog(tenantID: String, after position: Int64, limit: Int) async throws -> [PositionedAuditEntry]
    /// One grant's calls, newest first, at most `limit`: its side of the grant's timeline.
    func auditEntries(tenantID: String, grantID: String, limit: Int) async throws -> [AuditEntry]
    /// Forgets entries older than `date` (`AuditRetention`); returns how many.
    func pruneAudit(before date: Date) async throws -> Int
}

/// An entry and its place in the tenant's log, to continue an export from.
public struct PositionedAuditEntry: Sendable, Equatable {
    public let position: Int64
    public let entry: AuditEntry

    public init(position: Int64, entry: AuditEntry) {
        self.position = position
        self.entry = entry
    }
}
