import Foundation

/// An automation rule: when its trigger fires, it takes its action.
public struct Rule: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var name: String
    public var description: String
    /// What starts it, in words, e.g. `schedule: daily 06:00` or `alert: critical`.
    public var trigger: String
    /// What it does, in words.
    public var action: String
    public var enabled: Bool
    public var createdAt: Date

    public init(tenantID: String, id: String, name: String, description: String, trigger: String, action: String, enabled: Bool, createdAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.name = name
        self.description = description
        self.trigger = trigger
        self.action = action
        self.enabled = enabled
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, name, description, trigger, action, enabled, createdAt = "created_at"
    }
}

/// One run of a rule, for one customer or (without a company) for the whole tenant.
public struct RuleExecution: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable, CaseIterable {
        case succeeded
        case failed
        case skipped
    }

    public var tenantID: String
    public var id: String
    public var ruleID: String
    public var companyID: String?
    public var startedAt: Date
    public var finishedAt: Date?
    public var outcome: Outcome
    public var summary: String
    /// A failed run the scheduler will try again at this time; nil when nothing is waiting.
    public var retryAt: Date?

    public init(
        tenantID: String, id: String, ruleID: String, companyID: String?, startedAt: Date, finishedAt: Date?, outcome: Outcome, summary: String,
        retryAt: Date? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.ruleID = ruleID
        self.companyID = companyID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.summary = summary
        self.retryAt = retryAt
    }

    /// Waiting to be tried again: failed, with a retry planned.
    public var awaitsRetry: Bool { outcome == .failed && retryAt != nil }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, ruleID = "rule_id", companyID = "company_id", startedAt = "started_at", finishedAt = "finished_at"
        case outcome, summary, retryAt = "retry_at"
    }
}
