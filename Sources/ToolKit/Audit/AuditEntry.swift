import Foundation
import Shared

/// One tools/call as the audit log keeps it: who called which tool through which grant, a digest of the
/// arguments (never the arguments themselves), what came of it and how long it took. `ledgerEntry` is the same
/// call in the shape the auth-server's ledger shares (docs/security.md § The audit ledger).
public struct AuditEntry: Codable, Sendable, Equatable {
    public var tenantID: String
    public var id: String
    public var occurredAt: Date
    public var tool: String
    /// The caller's `sub`.
    public var subject: String
    public var clientID: String
    /// The grant (`sid`) the call was made under.
    public var grantID: String
    /// `access_token` or `pat`.
    public var tokenKind: String
    /// SHA-256 of the canonical arguments, hex.
    public var argumentDigest: String
    /// E.g. `ok`, `error`, `refused`.
    public var outcome: String
    public var dryRun: Bool
    public var durationMilliseconds: Int64
    /// The ticket the call read or changed, when it concerned one.
    public var ticketID: String?
    /// The customer the call concerned, when it concerned one.
    public var companyID: String?
    /// The caller's email, when the token names one (a person's; a service account has none).
    public var actorEmail: String?
    public var clientAddress: String?

    public init(
        tenantID: String, id: String, occurredAt: Date, tool: String, subject: String, clientID: String, grantID: String, tokenKind: String,
        argumentDigest: String, outcome: String, dryRun: Bool, durationMilliseconds: Int64, ticketID: String?, companyID: String?,
        actorEmail: String? = nil, clientAddress: String? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.occurredAt = occurredAt
        self.tool = tool
        self.subject = subject
        self.clientID = clientID
        self.grantID = grantID
        self.tokenKind = tokenKind
        self.argumentDigest = argumentDigest
        self.outcome = outcome
        self.dryRun = dryRun
        self.durationMilliseconds = durationMilliseconds
        self.ticketID = ticketID
        self.companyID = companyID
        self.actorEmail = actorEmail
        self.clientAddress = clientAddress
    }

    /// The ledger's event name for a tool call.
    public static let ledgerEvent = "tool.call"

    /// This call as a ledger entry: the tool is its detail, the caller its actor.
    public var ledgerEntry: LedgerEntry {
        LedgerEntry(
            tenantID: tenantID, id: id, occurredAt: occurredAt, event: Self.ledgerEvent, actorID: subject, actorEmail: actorEmail, grantID: grantID,
            clientID: clientID, outcome: outcome, clientAddress: clientAddress, detail: dryRun ? tool + " (dry run)" : tool)
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, occurredAt = "occurred_at", tool, subject, clientID = "client_id", grantID = "grant_id"
        case tokenKind = "token_kind", argumentDigest = "argument_digest", outcome, dryRun = "dry_run"
        case durationMilliseconds = "duration_ms", ticketID = "ticket_id", companyID = "company_id", actorEmail = "actor_email"
        case clientAddress = "client_address"
    }
}
