import Foundation
import Shared

/// One person's or one grant's activity across both servers, newest first: the auth-server's ledger (sign-ins,
/// consents, refreshes, revocations, admin actions) and the resource-server's tool calls, merged by time
/// (docs/security.md § The audit ledger). The tool calls come through the resource-server's admin API; while it
/// cannot be reached, the timeline shows the auth-server's side and says so.
public struct AdminTimeline: Sendable {
    public struct Row: Sendable, Equatable {
        public let occurred: PageDate
        /// Which server recorded it.
        public let source: String
        public let event: String
        public let outcome: String
        public let isOK: Bool
        public let actor: String?
        public let clientID: String?
        public let grantID: String?
        public let address: String?
        public let detail: String?
        public let at: Date
    }

    public let rows: [Row]
    /// Set when the resource-server's tool calls could not be read.
    public let toolCallsMissing: String?

    static func merge(ledger: [LedgerEntry], toolCalls: [ResourceServerAdmin.AuditEntry], limit: Int = Ledger.timelineLimit) -> [Row] {
        let signIns = ledger.map { entry in
            Row(
                occurred: PageDate(entry.occurredAt), source: "sign-in server", event: entry.event, outcome: entry.outcome, isOK: entry.outcome == "ok",
                actor: entry.actorEmail ?? entry.actorID, clientID: entry.clientID, grantID: entry.grantID, address: entry.clientAddress,
                detail: entry.detail, at: entry.occurredAt)
        }
        let calls = toolCalls.map { call in
            Row(
                occurred: PageDate(call.occurredAt), source: "tools", event: "tool.call", outcome: call.outcome, isOK: call.outcome == "ok",
                actor: call.subject, clientID: call.clientID, grantID: call.grantID, address: nil,
                detail: call.tool + (call.dryRun ? " (dry run)" : "") + (call.ticketID.map { ", ticket \($0)" } ?? ""), at: call.occurredAt)
        }
        return Array((signIns + calls).sorted { $0.at > $1.at }.prefix(limit))
    }
}
