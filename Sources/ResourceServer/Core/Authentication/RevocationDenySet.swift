import Foundation
import Shared
import Synchronization
import ToolKit

/// What the auth-server's revocation stream says has ended, and the verdict on a caller it gives: grants (every token
/// of one), people and clients (every token issued at or before the event), and elevations (a person's tokens issued
/// before the event keep working without their second factor). An entry is kept as long as a token issued before
/// its event could still be valid (`RevocationEvent.retention`), then forgotten, so the set stays as small as the
/// last hour's revocations.
public final class RevocationDenySet: Sendable {
    /// The latest event time per kind and subject.
    private let entries = Mutex<[RevocationEvent.Kind: [String: Int64]]>([:])

    public init() {}

    public enum Verdict: Equatable, Sendable {
        case allowed
        case refused
        /// Allowed, but without the elevation the token carries.
        case withoutElevation
    }

    public func insert(_ event: RevocationEvent, now: Date = Date()) {
        guard event.kind != .changed else { return }
        let oldest = Int64(now.timeIntervalSince1970 - RevocationEvent.retention)
        entries.withLock { entries in
            entries[event.kind, default: [:]][event.subject] = max(event.at, entries[event.kind]?[event.subject] ?? .min)
            for kind in entries.keys { entries[kind] = entries[kind]?.filter { $0.value >= oldest } }
        }
    }

    public func verdict(on claims: AccessTokenClaims) -> Verdict {
        entries.withLock { entries in
            func ended(_ kind: RevocationEvent.Kind, _ subject: String) -> Bool {
                entries[kind]?[subject].map { claims.issuedAt <= $0 } ?? false
            }
            if entries[.grant]?[claims.grantID] != nil || ended(.user, claims.subject) || ended(.client, claims.clientID) { return .refused }
            // A second factor entered before the event no longer counts, whenever the token was issued: a personal
            // access token elevated again afterwards carries the new code's time.
            if let end = entries[.elevation]?[claims.subject], (claims.authTime ?? claims.issuedAt) <= end, claims.scopes.contains(Elevation.scope) {
                return .withoutElevation
            }
            return .allowed
        }
    }

    /// Whether the event ends or changes what `claims` allow: which cached callers it makes stale.
    public static func affects(_ event: RevocationEvent, _ claims: AccessTokenClaims) -> Bool {
        switch event.kind {
        case .grant, .changed: claims.grantID == event.subject
        case .user: claims.subject == event.subject && claims.issuedAt <= event.at
        case .elevation: claims.subject == event.subject && (claims.authTime ?? claims.issuedAt) <= event.at
        case .client: claims.clientID == event.subject && claims.issuedAt <= event.at
        }
    }

    public var count: Int { entries.withLock { $0.values.reduce(0) { $0 + $1.count } } }
}

extension Caller {
    /// The same caller without elevation: no `mfa` scope and no time of a second factor, so no high-trust tool
    /// counts it as elevated (`ToolAuthority.isElevated`).
    func withoutElevation() -> Caller {
        var claims = claims
        claims.scope = scopeList.filter { $0 != Elevation.scope }.joined(separator: " ")
        claims.authTime = nil
        return Caller(claims: claims, tokenKind: tokenKind)
    }
}
