import Foundation

/// What list_rule_executions asks for: one rule's runs or all, and by how they ended, with "awaiting retry"
/// as its own state (failed, with a retry planned) so what is still to happen can be asked for alone.
public struct RuleExecutionFilter: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        case succeeded
        /// Failed, whether or not a retry is planned.
        case failed
        case skipped
        case awaitingRetry = "awaiting_retry"
    }

    public var ruleID: String?
    public var customerID: String?
    public var state: State?
    /// Started at or after.
    public var since: Date?

    public init(ruleID: String? = nil, customerID: String? = nil, state: State? = nil, since: Date? = nil) {
        self.ruleID = ruleID
        self.customerID = customerID
        self.state = state
        self.since = since
    }
}
