import Crypto
import Foundation
import NIOCore
import Shared
import Synchronization

/// The audit entry one `tools/call` will leave: who called which tool through which grant, a digest of
/// the arguments (never the arguments), and, once known, what the call concerned, its outcome and how
/// long it took. A write puts its entry in its own transaction and says so, so the dispatcher does not
/// record it twice; every other call's entry goes to the `AuditRecorder`.
public final class AuditTrail: Sendable {
    private struct State {
        var ticketID: String?
        var companyID: String?
        var recorded = false
    }

    public let tenantID: String
    /// The tool as the call named it.
    public let tool: String
    public let caller: Caller
    public let argumentDigest: String
    public let occurredAt: Date
    /// Where the call came from, as the server's limits see it.
    public let clientAddress: String?
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    /// `arguments` as the call sent them, whatever their shape: a malformed call is audited too.
    public init(tenantID: String, tool: String, caller: Caller, arguments: JSONValue, clientAddress: String? = nil, now: Date = Date()) {
        self.tenantID = tenantID
        self.clientAddress = clientAddress
        self.tool = tool
        self.caller = caller
        self.argumentDigest = Self.digest(arguments)
        self.occurredAt = now
        // Ids named in the arguments are what a call concerns until the tool knows better; only what
        // could be an id is kept, so a call with a huge or odd "id" cannot bloat the log.
        let ticketID = Self.plausibleID(arguments["ticket_id"])
        let companyID = Self.plausibleID(arguments["customer_id"])
        state.withLock {
            $0.ticketID = ticketID
            $0.companyID = companyID
        }
    }

    /// Record ids are short; a longer value is no id, and tools refuse it before any query.
    public static let maximumIDLength = 64

    private static func plausibleID(_ value: JSONValue?) -> String? {
        guard let id = value?.stringValue, !id.isEmpty, id.utf8.count <= maximumIDLength else { return nil }
        return id
    }

    /// SHA-256 of the arguments as canonical JSON (sorted keys), hex: equal arguments, equal digest.
    public static func digest(_ arguments: JSONValue) -> String {
        if arguments == [:] { return emptyDigest }
        return Hex.encode(SHA256.hash(data: arguments.jsonBytes))
    }

    /// `{}`, the arguments of most calls of argument-less tools such as whoami.
    private static let emptyDigest = Hex.encode(SHA256.hash(data: Array("{}".utf8)))

    /// Ids unique by construction, without a random draw or a unique index per entry: a random prefix
    /// per process and a counter.
    static func nextID() -> String {
        "aud_" + idPrefix + String(idCounter.add(1, ordering: .relaxed).newValue, radix: 36)
    }

    private static let idPrefix = RandomIdentifier.make(bytes: 9) + "."
    private static let idCounter = Atomic<UInt64>(0)

    /// Names the ticket and customer the call turned out to concern.
    public func concerns(ticketID: String?, companyID: String?) {
        state.withLock {
            if let ticketID { $0.ticketID = ticketID }
            if let companyID { $0.companyID = companyID }
        }
    }

    public var isRecorded: Bool { state.withLock { $0.recorded } }

    /// The entry as it stands, marked recorded: the caller of this stores it.
    public func entry(outcome: AuditOutcome, dryRun: Bool) -> AuditEntry {
        ProcessMetrics.toolCall(tool, outcome: outcome.rawValue, dryRun: dryRun)
        let elapsed = ContinuousClock.now - started
        let milliseconds = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let (ticketID, companyID) = state.withLock { state in
            state.recorded = true
            return (state.ticketID, state.companyID)
        }
        return AuditEntry(
            tenantID: tenantID, id: Self.nextID(), occurredAt: occurredAt, tool: tool, subject: caller.claims.subject,
            clientID: caller.claims.clientID, grantID: caller.claims.grantID, tokenKind: caller.tokenKind.rawValue,
            argumentDigest: argumentDigest, outcome: outcome.rawValue, dryRun: dryRun, durationMilliseconds: milliseconds,
            ticketID: ticketID, companyID: companyID, actorEmail: caller.claims.email, clientAddress: clientAddress
        )
    }
}

/// What came of a call, as the audit log names it.
public enum AuditOutcome: String, Sendable {
    case ok
    /// The tool answered with an error (bad id, wrong state, bad arguments).
    case error
    /// The call was refused before it ran: scopes, role, second factor.
    case refused
    case rateLimited = "rate_limited"
    /// The tool's module is switched off for the tenant; nothing ran.
    case switchedOff = "switched_off"
    /// A write replayed for a repeated idempotency key: nothing changed.
    case replayed
    /// The first step of a confirmed write: a preview, nothing changed.
    case awaitingConfirmation = "awaiting_confirmation"
}
