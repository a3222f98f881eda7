import Foundation

/// Which apps a tenant lets people connect (docs/security.md § Who may connect which apps).
public enum AppPolicy: String, Sendable, CaseIterable {
    /// Any app that registers itself or publishes a metadata document, unless an admin blocked it.
    case open
    /// Dynamically registered and metadata-document apps only once an admin approved them.
    case approved
    /// Only pinned metadata documents and first-party clients.
    case closed

    /// What this policy says of a client, whatever grant or endpoint it comes through.
    public enum Admission: Equatable, Sendable {
        case admitted
        /// An admin blocked it: refused under every policy.
        case blocked
        /// Under `approved`, not approved yet: the request is recorded for the admins.
        case awaitingApproval
        /// Under `closed`, neither pinned nor first-party.
        case closed
    }

    public func admission(of client: Client) -> Admission {
        if client.approval.state == .blocked { return .blocked }
        if client.isOperatorTrusted { return .admitted }
        switch self {
        case .open: return .admitted
        case .approved: return client.approval.state == .approved ? .admitted : .awaitingApproval
        case .closed: return .closed
        }
    }
}
