import Foundation

/// An admin's decision on a client, and who first asked for one. Kept apart from the client's registration:
/// re-registering or refetching a metadata document never changes it.
public struct ClientApproval: Sendable, Equatable {
    public enum State: String, Sendable {
        case approved
        /// Not decided; under the `approved` app policy it cannot be used yet.
        case pending
        /// Refused under every app policy; its grants ended when it was blocked.
        case blocked
    }

    public var state: State
    /// When and by whom (a user id) it was first asked for while it waited for approval.
    public var requestedAt: Date?
    public var requestedBy: String?

    public init(state: State, requestedAt: Date? = nil, requestedBy: String? = nil) {
        self.state = state
        self.requestedAt = requestedAt
        self.requestedBy = requestedBy
    }

    /// Where a new client starts: the operator vouches for pinned and first-party ones.
    public static func initial(operatorTrusted: Bool) -> ClientApproval { ClientApproval(state: operatorTrusted ? .approved : .pending) }
}
