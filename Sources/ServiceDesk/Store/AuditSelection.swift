/// Whose audit entries `auditEntries(tenantID:of:limit:)` reads: one grant's (`sid`) or one person's (`sub`).
public enum AuditSelection: Sendable, Equatable {
    case grant(String)
    case subject(String)
}
