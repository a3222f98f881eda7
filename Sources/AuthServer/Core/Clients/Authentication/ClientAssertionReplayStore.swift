import Foundation

/// Remembers the `jti` of every accepted client assertion until it expires, so each is used once
/// (RFC 7523 §3 item 7). One auth-server instance can keep them in memory; several instances behind one
/// issuer must share a store (a database table with a unique key on client and `jti`), or an assertion
/// replayed to another instance would pass.
public protocol ClientAssertionReplayStore: Sendable {
    /// Records the first use of `tokenID` by `clientID`, remembered until `expiresAt`. False when it was
    /// recorded before and has not expired: the assertion is a replay. Throws when it cannot be recorded.
    func recordFirstUse(clientID: String, tokenID: String, expiresAt: Date, now: Date) async throws -> Bool
}
