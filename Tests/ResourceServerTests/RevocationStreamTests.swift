import Crypto
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
import ToolKit

@testable import ResourceServerCore
import Shared

/// The resource-server's side of the revocation stream: what each kind of event refuses, cached or not, how long it
/// is remembered, and how the stream is followed across breaks and resets.
@Suite("Revocation stream")
struct RevocationStreamTests {
    func authenticator(_ house: TestHouse, cache: VerifiedTokenCache, denied: RevocationDenySet) -> BearerAuthenticator {
        let key = house.signingKey.publicKey
        return BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: TestHouse.issuer, audience: TestHouse.resource, tenantID: Tenant.defaultID),
            keys: RemoteKeySet(logger: Logger(label: "test")) { ["test-key": key] }, cache: cache, denied: denied
        )
    }

    func follower(denied: RevocationDenySet, cache: VerifiedTokenCache, connect: @escaping RevocationStreamFollower.Connect = { _, _ in }) -> RevocationStreamFollower {
        RevocationStreamFollower(
            connect: connect, denied: denied, cache: cache, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(20), logger: Logger(label: "test"))
    }

    static func revocation(_ seq: Int64, _ kind: RevocationEvent.Kind, _ subject: String, at: Int64) throws -> ServerSentEvent {
        var parser = ServerSentEvent.Parser()
        return try #require(try parser.feed(Array(try RevocationStream.encode(RevocationEvent(seq: seq, kind: kind, subject: subject, at: at)).utf8)).first)
    }

    @Test("a revoked grant's token is refused though it is signed, unexpired and already cached; other grants are untouched")
    func grant() async throws {
        let house = try await TestHouse()
        let (cache, denied) = (VerifiedTokenCache(), RevocationDenySet())
        let authenticator = authenticator(house, cache: cache, denied: denied)
        let token = try house.token()
        let caller = try await authenticator.authenticate(Substring(token))
        #expect(cache.count == 1)
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try follower(denied: denied, cache: cache).apply(Self.revocation(7, .grant, caller.claims.grantID, at: now)) == 7)
        #expect(cache.count == 0)
        await #expect(throws: BearerAuthenticationError.token(.revoked)) { try await authenticator.authenticate(Substring(token)) }
        // A grant never comes back: even a token issued after the event is refused.
        await #expect(throws: BearerAuthenticationError.token(.revoked)) {
            try await authenticator.authenticate(Substring(try house.token(issuedAt: now + 5)))
        }
        _ = try await authenticator.authenticate(Substring(try house.token(grantID: "grant-other")))
    }

    @Test("a disabled person's and a deleted client's tokens issued at or before the event are refused, later ones work")
    func personAndClient() async throws {
        let house = try await TestHouse()
        let now = Int64(Date().timeIntervalSince1970)
        for (kind, subject) in [(RevocationEvent.Kind.user, "usr_1"), (.client, "client-1")] {
            let (cache, denied) = (VerifiedTokenCache(), RevocationDenySet())
            let authenticator = authenticator(house, cache: cache, denied: denied)
            let before = try house.token(grantID: "grant-a", issuedAt: now - 10)
            let same = try house.token(grantID: "grant-b", issuedAt: now)
            let someoneElse = try house.token(grantID: "grant-c", subject: "usr_2", issuedAt: now - 10)
            for token in [before, same] { _ = try await authenticator.authenticate(Substring(token)) }
            _ = try follower(denied: denied, cache: cache).apply(Self.revocation(1, kind, subject, at: now))
            #expect(cache.count == 0, "\(kind): the cached callers went")
            for token in [before, same] {
                await #expect(throws: BearerAuthenticationError.token(.revoked), "\(kind)") { try await authenticator.authenticate(Substring(token)) }
            }
            _ = try await authenticator.authenticate(Substring(try house.token(grantID: "grant-d", issuedAt: now + 1)))
            if kind == .user {
                _ = try await authenticator.authenticate(Substring(someoneElse))
            } else {
                await #expect(throws: BearerAuthenticationError.token(.revoked)) { try await authenticator.authenticate(Substring(someoneElse)) }
            }
        }
    }

    @Test("an ended elevation leaves the token working without mfa, so a high-trust tool asks for a second factor again")
    func elevation() async throws {
        let house = try await TestHouse()
        let (cache, denied) = (VerifiedTokenCache(), RevocationDenySet())
        let authenticator = authenticator(house, cache: cache, denied: denied)
        let now = Int64(Date().timeIntervalSince1970)
        let elevated = try house.token(scope: "tickets:write \(Elevation.scope)", issuedAt: now - 5, authTime: now - 5)
        let authority = ToolAuthority()
        #expect(authority.isElevated(try await authenticator.authenticate(Substring(elevated)), now: Date()))
        _ = try follower(denied: denied, cache: cache).apply(Self.revocation(3, .elevation, "usr_1", at: now))
        let after = try await authenticator.authenticate(Substring(elevated))
        #expect(!authority.isElevated(after, now: Date()))
        #expect(after.scopeList == ["tickets:write"] && after.claims.authTime == nil)
        // Elevated again after the event (a new code entered): it counts.
        let again = try house.token(scope: "tickets:write \(Elevation.scope)", grantID: "grant-2", issuedAt: now + 1, authTime: now + 1)
        #expect(authority.isElevated(try await authenticator.authenticate(Substring(again)), now: Date()))
    }

    @Test("entries are forgotten once no token issued before their event can still be valid")
    func retention() {
        let denied = RevocationDenySet()
        let start = Date()
        let old = Int64(start.timeIntervalSince1970)
        denied.insert(RevocationEvent(seq: 1, kind: .grant, subject: "old", at: old), now: start)
        denied.insert(RevocationEvent(seq: 2, kind: .user, subject: "usr_9", at: old), now: start)
        #expect(denied.count == 2)
        let later = start.addingTimeInterval(RevocationEvent.retention + 1)
        denied.insert(RevocationEvent(seq: 3, kind: .grant, subject: "new", at: Int64(later.timeIntervalSince1970)), now: later)
        #expect(denied.count == 1)
        let claims = AccessTokenClaims(
            issuer: "i", subject: "usr_9", audience: "a", clientID: "c", scope: "", issuedAt: old, expiresAt: old + 60, tokenID: "t",
            grantID: "old", tenantID: "default")
        #expect(denied.verdict(on: claims) == .allowed)
    }

    @Test("the follower resumes after the last event it saw, survives breaks, and a reset empties the cache but keeps what is denied")
    func following() async throws {
        let house = try await TestHouse()
        let (cache, denied) = (VerifiedTokenCache(), RevocationDenySet())
        let authenticator = authenticator(house, cache: cache, denied: denied)
        _ = try await authenticator.authenticate(Substring(try house.token(grantID: "grant-kept")))
        let asked = Mutex<[Int64]>([])
        let now = Int64(Date().timeIntervalSince1970)
        let first = try RevocationStream.encode(RevocationEvent(seq: 1, kind: .grant, subject: "g1", at: now))
        let second = try RevocationStream.encode(RevocationEvent(seq: 2, kind: .grant, subject: "g2", at: now))
        let third = try RevocationStream.encode(RevocationEvent(seq: 3, kind: .grant, subject: "g3", at: now))
        let follower = follower(denied: denied, cache: cache) { position, receive in
            let call = asked.withLock { calls in
                calls.append(position)
                return calls.count
            }
            switch call {
            case 1:
                // One event split across chunks, then the connection drops mid-event.
                let text = ServerSentEvent.comment("hello") + first + second
                let split = text.utf8.count - 7
                try await receive(ByteBuffer(bytes: Array(text.utf8.prefix(split))))
                try await receive(ByteBuffer(bytes: Array(text.utf8.dropFirst(split))))
                try await receive(ByteBuffer(string: "id: 3\nevent: revoc"))
                throw URLError(.networkConnectionLost)
            case 2:
                throw URLError(.cannotConnectToHost)
            case 3:
                try await receive(ByteBuffer(string: third))
            case 4:
                try await receive(ByteBuffer(string: RevocationStream.reset + first))
            default:
                try await Task.sleep(for: .seconds(30))
            }
        }
        let task = Task { try await follower.run() }
        for _ in 0..<500 where asked.withLock({ $0.count }) < 5 { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        #expect(asked.withLock { Array($0.prefix(5)) } == [0, 2, 2, 3, 1], "Last-Event-ID: the last whole event, 0 after the reset's id")
        #expect(cache.count == 0, "the reset dropped every cached caller")
        let ended = ["g1", "g2", "g3"].map { grant in
            AccessTokenClaims(issuer: "i", subject: "s", audience: "a", clientID: "c", scope: "", issuedAt: now, expiresAt: now + 60, tokenID: "t", grantID: grant, tenantID: "default")
        }
        #expect(ended.allSatisfy { denied.verdict(on: $0) == .refused })
    }

    @Test("reconnection waits double with each failure, with jitter, up to the cap")
    func backoff() {
        let follower = RevocationStreamFollower(
            connect: { _, _ in }, denied: RevocationDenySet(), cache: VerifiedTokenCache(), initialBackoff: .milliseconds(100),
            maximumBackoff: .seconds(10), logger: Logger(label: "test"))
        for (failures, ceiling) in [(1, Duration.milliseconds(100)), (2, .milliseconds(200)), (4, .milliseconds(800)), (30, .seconds(10))] {
            let pauses = (0..<50).map { _ in follower.backoff(afterFailures: failures) }
            #expect(pauses.allSatisfy { $0 >= ceiling / 2 && $0 <= ceiling })
            #expect(Set(pauses).count > 1, "jittered")
        }
    }

    @Test("a graceful shutdown ends the connection in flight instead of waiting it out")
    func stopsPromptly() async throws {
        let started = Mutex(false)
        let follower = follower(denied: RevocationDenySet(), cache: VerifiedTokenCache()) { _, _ in
            started.withLock { $0 = true }
            try await Task.sleep(for: .seconds(30))
        }
        let group = ServiceGroup(configuration: .init(services: [follower], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        for _ in 0..<200 where !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        let clock = ContinuousClock()
        let stopped = try await clock.measure {
            await group.triggerGracefulShutdown()
            try await running.value
        }
        // The connection would wait 30 s; the bound leaves room for a two-core machine running every suite at once.
        #expect(stopped < .seconds(20))
    }
}
