import Foundation

/// How long both servers keep audit entries (docs/security.md § The audit ledger). 400 days by default: a year of
/// history for the yearly access review most customers' auditors ask for, plus a month to run it in. Both servers
/// read the same `GATEHOUSE_AUDIT_RETENTION_DAYS`, prune at start and then every `pruneInterval`.
public enum AuditRetention {
    public static let defaultDays = 400
    public static let setting = Setting<Int>.integer("AUDIT_RETENTION_DAYS", default: defaultDays, range: 1...36_500)
    public static let pruneInterval: Duration = .seconds(6 * 3600)

    /// Entries older than this are pruned.
    public static func cutoff(days: Int, now: Date) -> Date { now.addingTimeInterval(-TimeInterval(days) * 86_400) }
}
