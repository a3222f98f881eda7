import Foundation
import Testing

@testable import AuthServerCore

/// The single-instance `jti` store behind RFC 7523 §3 item 7.
@Suite("InMemoryClientAssertionReplayStore")
struct InMemoryClientAssertionReplayStoreTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let later = now.addingTimeInterval(90)

    @Test("contract: a jti is accepted once until it expires, then may be recorded again")
    func firstUseOnlyUntilExpiry() async throws {
        try await ReplayStoreContract.firstUseOnlyUntilExpiry(InMemoryClientAssertionReplayStore())
    }

    @Test("contract: jtis are per client, and the client/jti boundary cannot be shifted to collide")
    func keyedByClientAndTokenID() async throws {
        try await ReplayStoreContract.keyedByClientAndTokenID(InMemoryClientAssertionReplayStore())
    }

    @Test("a full store purges expired entries, and refuses rather than forgets an unexpired one")
    func fullStoreRefuses() async throws {
        let store = InMemoryClientAssertionReplayStore(capacity: 2, perClientCapacity: 10)
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "1", expiresAt: Self.later, now: Self.now))
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "2", expiresAt: Self.later, now: Self.now))
        await #expect(throws: (any Error).self) {
            try await store.recordFirstUse(clientID: "c", tokenID: "3", expiresAt: Self.later, now: Self.now)
        }
        // Once the first two expire they make room: their assertions fail their own exp check by then.
        let expiry = Self.later.addingTimeInterval(90)
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "3", expiresAt: expiry, now: Self.later))
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "3", expiresAt: expiry, now: Self.later) == false)
    }

    @Test("one client at its cap is refused on its own: other clients' assertions keep being recorded")
    func perClientCap() async throws {
        let store = InMemoryClientAssertionReplayStore(capacity: 100, perClientCapacity: 3)
        for index in 0..<3 {
            #expect(try await store.recordFirstUse(clientID: "attacker", tokenID: "\(index)", expiresAt: Self.later, now: Self.now))
        }
        await #expect(throws: InMemoryClientAssertionReplayStore.Full.client) {
            try await store.recordFirstUse(clientID: "attacker", tokenID: "3", expiresAt: Self.later, now: Self.now)
        }
        #expect(try await store.recordFirstUse(clientID: "attacker", tokenID: "0", expiresAt: Self.later, now: Self.now) == false, "a replay is still a replay")
        for index in 0..<3 {
            #expect(try await store.recordFirstUse(clientID: "chatgpt", tokenID: "\(index)", expiresAt: Self.later, now: Self.now))
        }
        // The attacker's entries expire with their assertions, and make room for it again.
        #expect(try await store.recordFirstUse(clientID: "attacker", tokenID: "3", expiresAt: Self.later.addingTimeInterval(60), now: Self.later))
    }

    @Test("the per-client cap is what a client's token-endpoint allowance can produce while an assertion is usable, with room for a window's edge")
    func perClientCapFollowsTheRateLimit() {
        let usable = ClientAuthenticationPolicy.maximumAssertionLifetimeSeconds + ClientAuthenticationPolicy.clockLeewaySeconds
        #expect(ClientAuthenticationPolicy.replayEntriesPerClient(tokenRequestsPerMinute: 60) == 2 * Int(usable))
        #expect(ClientAuthenticationPolicy.replayEntriesPerClient(tokenRequestsPerMinute: 1200) == 2 * 20 * Int(usable))
        #expect(ClientAuthenticationPolicy.replayEntriesPerClient(tokenRequestsPerMinute: 1) >= 2)
    }
}
