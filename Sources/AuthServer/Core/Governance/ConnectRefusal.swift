import Foundation

/// Why a person cannot connect an app, told on a page of ours rather than to the app (docs/security.md § Who
/// may connect which apps). The app itself gets `access_denied` (RFC 6749 §4.1.2.1, RFC 8628 §3.5).
public enum ConnectRefusal: Equatable, Sendable {
    /// The person lacks "may connect apps"; whom to ask: the tenant's admins, or none known.
    case mayNotConnect(askWhom: [String])
    /// Under the `approved` policy; the request is recorded for the admins.
    case awaitingApproval(clientName: String)
    /// Blocked by an admin, or left out by the `closed` policy.
    case appRefused(clientName: String, blocked: Bool)

    /// The refusal the app policy gives a client it does not admit, nil when it is admitted.
    static func judging(_ client: Client, by policy: AppPolicy) -> ConnectRefusal? {
        switch policy.admission(of: client) {
        case .admitted: return nil
        case .blocked: return .appRefused(clientName: client.name, blocked: true)
        case .closed: return .appRefused(clientName: client.name, blocked: false)
        case .awaitingApproval: return .awaitingApproval(clientName: client.name)
        }
    }
}
