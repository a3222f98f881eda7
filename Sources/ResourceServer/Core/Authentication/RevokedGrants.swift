import Foundation
import Shared
import Synchronization

/// Grants the auth-server's revocation feed says have ended. A grant is remembered as long as one of
/// its access tokens could still be valid (`RevocationFeedPage.retention`), then forgotten, so the
/// table stays as small as the last hour's revocations.
public final class RevokedGrants: Sendable {
    private let grants = Mutex<[String: Date]>([:])

    public init() {}

    public func contains(_ grantID: String) -> Bool {
        grants.withLock { $0[grantID] != nil }
    }

    public func insert(_ grantID: String, now: Date = Date()) {
        grants.withLock { grants in
            grants[grantID] = now
            grants = grants.filter { now.timeIntervalSince($0.value) < RevocationFeedPage.retention }
        }
    }

    public var count: Int { grants.withLock { $0.count } }
}
