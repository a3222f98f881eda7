import Foundation
import Testing

@testable import AuthServerCore

/// The single-instance `jti` store behind RFC 7523 §3 item 7.
@Suite("InMemoryClientAssertionReplayStore")
struct InMemoryClientAssertionReplayStoreTests {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let later = now.addingTimeInterval(90)

    @Test("a jti is accepted once until it expires, then may be recorded again")
    func firstUseOnlyUntilExpiry() async throws {
        let store = InMemoryClientAssertionReplayStore()
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "j", expiresAt: Self.later, now: Self.now))
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "j", expiresAt: Self.later, now: Self.now) == false)
        let justBefore = Self.later.addingTimeInterval(-1)
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "j", expiresAt: Self.later, now: justBefore) == false)
        #expect(try await store.recordFirstUse(clientID: "c", tokenID: "j", expiresAt: Self.later.addingTimeInterval(90), now: Self.later))
    }

    @Test("jtis are per client, and the client/jti boundary cannot be shifted to collide")
    func keyedByClientAndTokenID() async throws {
        let store = InMemoryClientAssertionReplayStore()
        #expect(try await store.recordFirstUse(clientID: "a", tokenID: "j", expiresAt: Self.later, now: Self.now))
        #expect(try await store.recordFirstUse(clientID: "b", tokenID: "j", expiresAt: Self.later, now: Self.now))
        #expect(try await store.recordFirstUse(clientID: "ab", tokenID: "c", expiresAt: Self.later, now: Self.now))
        #expect(try await store.recordFirstUse(clientID: "a", tokenID: "bc", expiresAt: Self.later, now: Self.now))
    }

    @Test("a full store purges expired entries, and refuses rather than forgets an unexpired one")
    func fullStoreRefuses() async throws {
        let store = InMemoryClientAssertionReplayStore(capacity: 2)
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
}
