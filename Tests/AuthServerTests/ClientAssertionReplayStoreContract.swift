import Foundation
import Testing

@testable import AuthServerCore

// What every `ClientAssertionReplayStore` promises (RFC 7523 §3 item 7), written once: the in-memory store runs it
// in InMemoryClientAssertionReplayStoreTests, the PostgreSQL one in PostgresClientAssertionReplayStoreTests.
// Client ids are fresh per call, so it also works against a shared, non-empty database.

enum ReplayStoreContract {
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let later = now.addingTimeInterval(90)

    /// A jti is accepted once until it expires, then may be recorded again.
    static func firstUseOnlyUntilExpiry(_ store: any ClientAssertionReplayStore) async throws {
        let client = "c-\(UUID())"
        #expect(try await store.recordFirstUse(clientID: client, tokenID: "j", expiresAt: later, now: now))
        #expect(try await store.recordFirstUse(clientID: client, tokenID: "j", expiresAt: later, now: now) == false)
        let justBefore = later.addingTimeInterval(-1)
        #expect(try await store.recordFirstUse(clientID: client, tokenID: "j", expiresAt: later, now: justBefore) == false)
        #expect(try await store.recordFirstUse(clientID: client, tokenID: "j", expiresAt: later.addingTimeInterval(90), now: later))
        #expect(try await store.recordFirstUse(clientID: client, tokenID: "j", expiresAt: later.addingTimeInterval(90), now: later) == false)
    }

    /// jtis are per client, and the client/jti boundary cannot be shifted to collide.
    static func keyedByClientAndTokenID(_ store: any ClientAssertionReplayStore) async throws {
        let prefix = "\(UUID())-"
        #expect(try await store.recordFirstUse(clientID: prefix + "a", tokenID: "j", expiresAt: later, now: now))
        #expect(try await store.recordFirstUse(clientID: prefix + "b", tokenID: "j", expiresAt: later, now: now))
        #expect(try await store.recordFirstUse(clientID: prefix + "ab", tokenID: "c", expiresAt: later, now: now))
        #expect(try await store.recordFirstUse(clientID: prefix + "a", tokenID: "bc", expiresAt: later, now: now))
    }
}
