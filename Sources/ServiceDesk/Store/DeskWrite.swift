import Foundation

/// One change a write tool asks of the service desk, in the store's terms.
public enum DeskChange: Sendable, Equatable {
    case createTicket(NewTicket)
    case addNote(ticketID: String, visibility: TicketNote.Visibility, body: String)
    /// `note`, when given, is added as a public reply in the same change.
    case setTicketStatus(ticketID: String, status: Ticket.Status, note: String?)
    case updateAlert(alertID: String, action: AlertEvent.Action, note: String?)
    case runRule(ruleID: String, customerID: String?)
}

public struct NewTicket: Sendable, Equatable {
    public var customerID: String
    public var subject: String
    public var description: String
    public var priority: Ticket.Priority
    public var requesterEmail: String
    public var assetID: String?
}

/// A change with everything that decides how it is carried out: who makes it, within which scope, and
/// whether it is a dry run, the first step of a confirmed write, or the real thing.
public struct DeskWrite: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Work out the change, keep nothing of it.
        case dryRun
        /// Work out the change, keep nothing of it, and hold a confirmation that lets the same caller
        /// make exactly this change until `expiresAt`.
        case preview(expiresAt: Date)
        /// Make the change; with a confirmation id, only if that confirmation matches and is still open.
        case commit(confirmation: String?)
    }

    public var change: DeskChange
    public var scope: ServiceDeskScope
    /// Who the notes and events name as author: the person's email, else their subject.
    public var actor: String
    public var now: Date
    public var mode: Mode
    public var idempotency: IdempotencyClaim?
    /// The tool, its caller and its arguments without the write controls: what a confirmation and an
    /// idempotency key are bound to.
    public var fingerprint: WriteFingerprint
}

/// What makes two calls "the same write": the same person, tool and arguments (the controls dry_run,
/// idempotency_key and confirm left out).
public struct WriteFingerprint: Sendable, Equatable {
    public var subject: String
    public var tool: String
    public var argumentDigest: String
}

public struct IdempotencyClaim: Sendable, Equatable {
    public var key: String
    /// How long a key is remembered.
    public static let lifetime: TimeInterval = 24 * 3600
}

/// What a write did (or, in a dry run or preview, would do): the records after the change and each
/// field that changed. Stored with an idempotency key, so a replay answers from it word for word.
public struct DeskWriteReport: Codable, Sendable, Equatable {
    public var summary: String
    public var changes: [FieldChange]
    public var customerID: String?
    public var ticket: Ticket?
    public var note: TicketNote?
    public var alert: Alert?
    public var ruleExecution: RuleExecution?

    public init(summary: String, changes: [FieldChange], customerID: String?, ticket: Ticket? = nil, note: TicketNote? = nil,
                alert: Alert? = nil, ruleExecution: RuleExecution? = nil) {
        self.summary = summary
        self.changes = changes
        self.customerID = customerID
        self.ticket = ticket
        self.note = note
        self.alert = alert
        self.ruleExecution = ruleExecution
    }
}

/// One field of one record: `from` nil for a record that is created.
public struct FieldChange: Codable, Sendable, Equatable {
    public var record: String
    public var id: String
    public var field: String
    public var from: String?
    public var to: String?
}

/// How a write ended.
public enum DeskWriteResult: Sendable, Equatable {
    case done(DeskWriteReport)
    case dryRun(DeskWriteReport)
    case awaitingConfirmation(DeskWriteReport, confirmationID: String, expiresAt: Date)
    /// An earlier call made this change and this one repeats it; nothing new happened.
    case replayed(DeskWriteReport, by: Replay)

    /// What tied the repeated call to the earlier one.
    public enum Replay: Sendable, Equatable {
        /// The same idempotency key with the same arguments.
        case idempotencyKey
        /// The same confirmation id, already spent by the same person on the same call: a retry after
        /// an answer that was lost on its way back.
        case confirmation
    }
}

/// Why the store refused a write; each case says what the caller can do about it.
public enum DeskWriteError: Error, Sendable, Equatable {
    case notFound(kind: String, id: String)
    /// The record is not in a state the change applies to, e.g. resolving a resolved alert.
    case conflict(String)
    case idempotencyKeyReused
    case confirmation(String)
}

/// The tenant's write policy, changed with `resource-server admin tenant set`.
public struct DeskSettings: Sendable, Equatable {
    /// Every write takes two calls: a preview with a confirmation id, then the same call with `confirm`.
    public var confirmWrites: Bool

    public init(confirmWrites: Bool = false) { self.confirmWrites = confirmWrites }

    /// How long a confirmation id stays good.
    public static let confirmationLifetime: TimeInterval = 600
    /// How long a spent confirmation is kept, so that repeating the confirming call gets its first answer
    /// instead of a refusal that would tempt a model into previewing and committing the change again.
    public static let spentConfirmationMemory: TimeInterval = IdempotencyClaim.lifetime
}
