import Foundation

/// One entry of the audit ledger, the shape both servers' security records share (docs/security.md § The audit
/// ledger): the auth-server's own events (sign-ins, consents, revocations, admin actions) and the
/// resource-server's tool calls, so one grant's or one person's timeline merges both by `grant_id` and time.
/// Never a secret or a password: ids, emails, names and outcomes only.
public struct LedgerEntry: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var occurredAt: Date
    /// What happened, e.g. `sign_in.failed`, `grant.revoked`, `tool.call` (`LedgerEvent` lists the auth-server's).
    public var event: String
    /// Who did it: a person's id, a service account's id, a client id, or nil when nobody known (an unknown email).
    public var actorID: String?
    /// The actor's email, or for a failed sign-in the email that was tried.
    public var actorEmail: String?
    /// What the event was about when that is not the actor: the person whose second factor an admin reset, the
    /// owner of a revoked grant, a client approved.
    public var subjectID: String?
    public var grantID: String?
    public var clientID: String?
    /// `ok`, or why not (`wrong_password`, `unknown_person`, `disabled`, `throttled`, `refused`, …).
    public var outcome: String
    public var clientAddress: String?
    /// A short free text: a revocation's cause, the tool called, the admin command run.
    public var detail: String?

    public init(
        tenantID: String, id: String = LedgerEntry.newID(), occurredAt: Date, event: String, actorID: String? = nil, actorEmail: String? = nil,
        subjectID: String? = nil, grantID: String? = nil, clientID: String? = nil, outcome: String = "ok", clientAddress: String? = nil,
        detail: String? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.occurredAt = occurredAt
        self.event = event
        self.actorID = actorID
        self.actorEmail = actorEmail
        self.subjectID = subjectID
        self.grantID = grantID
        self.clientID = clientID
        self.outcome = outcome
        self.clientAddress = clientAddress
        self.detail = detail
    }

    public static func newID() -> String { "led_" + RandomIdentifier.make(bytes: 12) }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, occurredAt = "occurred_at", event, actorID = "actor_id", actorEmail = "actor_email"
        case subjectID = "subject_id", grantID = "grant_id", clientID = "client_id", outcome, clientAddress = "client_address", detail
    }

    /// Free text is cut to this many characters, so a hostile email or name cannot bloat the ledger.
    public static let maximumTextLength = 320

    /// `text` cut to `maximumTextLength` with control characters removed: what the ledger keeps of anything typed.
    public static func bounded(_ text: String?) -> String? {
        guard let text else { return nil }
        // Printable ASCII within the length, what emails, ids and scopes are, is kept as it is without looking up
        // each scalar's category: that lookup was a fiftieth of a refresh grant.
        if text.utf8.count <= maximumTextLength, text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.generalCategory != .control }).prefix(maximumTextLength))
    }

    /// One JSON line, as both servers' `admin audit export` print it (`AuditTime`); keys sorted.
    public var jsonLine: String {
        String(decoding: (try? Self.lineEncoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private static let lineEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = AuditTime.encoding
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
