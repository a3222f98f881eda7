import Crypto
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import ResourceServerCore
import Shared

/// The resource-server's side of the revocation feed: an ended grant's tokens are refused from the
/// next poll on, cached or not, and the feed is followed from where it left off.
@Suite("Revocation feed")
struct RevocationFeedTests {
    func authenticator(_ house: TestHouse, cache: VerifiedTokenCache, revoked: RevokedGrants) -> BearerAuthenticator {
        let key = house.signingKey.publicKey
        return BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID),
            keys: RemoteKeySet(logger: Logger(label: "test")) { ["test-key": key] }, cache: cache, revoked: revoked
        )
    }

    @Test("a revoked grant's token is refused though it is signed, unexpired and already cached")
    func refusesRevokedGrant() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let cache = VerifiedTokenCache()
        let revoked = RevokedGrants()
        let authenticator = authenticator(house, cache: cache, revoked: revoked)
        let caller = try await authenticator.authenticate(Substring(token))
        #expect(cache.count == 1)

        let poller = RevocationFeedPoller(fetch: { _ in fatalError("not polled") }, revoked: revoked, cache: cache, logger: Logger(label: "test"))
        let next = poller.apply(RevocationFeedPage(events: [.init(seq: 7, grant: caller.claims.grantID)], next: 7), after: 0)
        #expect(next == 7)
        #expect(cache.count == 0)
        await #expect(throws: BearerAuthenticationError.token(.revoked)) { try await authenticator.authenticate(Substring(token)) }
        // Other grants are untouched.
        let other = try house.token(grantID: "grant-other")
        _ = try await authenticator.authenticate(Substring(other))
    }

    @Test("a restarted log (renumbered at the auth-server) moves the position back, and nothing revoked is forgotten")
    func restartedLog() {
        let revoked = RevokedGrants()
        let poller = RevocationFeedPoller(fetch: { _ in fatalError("not polled") }, revoked: revoked, cache: VerifiedTokenCache(), logger: Logger(label: "test"))
        #expect(poller.apply(RevocationFeedPage(events: [.init(seq: 40, grant: "old")], next: 40), after: 0) == 40)
        #expect(poller.apply(RevocationFeedPage(events: [.init(seq: 2, grant: "new")], next: 2, restart: true), after: 40) == 2)
        #expect(revoked.contains("old") && revoked.contains("new"))
        #expect(poller.apply(RevocationFeedPage(events: [], next: 2), after: 2) == 2)
    }

    @Test("the poller starts at the beginning, asks for what follows the last event, and survives failures")
    func polling() async throws {
        let asked = Mutex<[Int64]>([])
        let revoked = RevokedGrants()
        let poller = RevocationFeedPoller(
            fetch: { after in
                let call = asked.withLock { calls in
                    calls.append(after)
                    return calls.count
                }
                switch call {
                case 1: return RevocationFeedPage(events: [.init(seq: 1, grant: "g1"), .init(seq: 2, grant: "g2")], next: 2)
                case 2: throw URLError(.cannotConnectToHost)
                default: return RevocationFeedPage(events: [.init(seq: 3, grant: "g3")], next: 3)
                }
            },
            revoked: revoked, cache: VerifiedTokenCache(), interval: .milliseconds(10), logger: Logger(label: "test")
        )
        let task = Task { try await poller.run() }
        for _ in 0..<200 where !revoked.contains("g3") { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        #expect(revoked.contains("g1") && revoked.contains("g2") && revoked.contains("g3"))
        let calls = asked.withLock { $0 }
        #expect(Array(calls.prefix(3)) == [0, 2, 2])
        #expect(calls.dropFirst(3).allSatisfy { $0 == 3 })
    }

    @Test("a graceful shutdown cancels the poll in flight instead of waiting it out")
    func stopsPromptly() async throws {
        let started = Mutex(false)
        let cancelled = Mutex(false)
        let poller = RevocationFeedPoller(
            fetch: { _ in
                started.withLock { $0 = true }
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
                return RevocationFeedPage(events: [], next: 0)
            },
            revoked: RevokedGrants(), cache: VerifiedTokenCache(), logger: Logger(label: "test")
        )
        let group = ServiceGroup(configuration: .init(services: [poller], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        for _ in 0..<200 where !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(cancelled.withLock { $0 })
    }

    @Test("revoked grants are forgotten once no token of theirs can still be valid")
    func retention() {
        let revoked = RevokedGrants()
        let start = Date()
        revoked.insert("old", now: start)
        revoked.insert("new", now: start.addingTimeInterval(RevocationFeedPage.retention + 1))
        #expect(!revoked.contains("old"))
        #expect(revoked.contains("new"))
        #expect(revoked.count == 1)
    }
}
