import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Synchronization
import Testing

@testable import AuthServerCore

/// The auth-server's side of the revocation stream (WHATWG HTML § Server-sent events): who may read it, how soon an
/// append reaches an open stream, and where a reader resumes.
@Suite("Revocation stream endpoint")
struct RevocationStreamEndpointTests {
    typealias HTTP = AuthServerHTTPTests

    static func credentials(_ environment: AuthServerEnvironment) throws -> ResourceServerCredentials {
        try #require(try ResourceServerCredentials.read(
            file: (environment.settings.dataDirectory as NSString).appendingPathComponent(ResourceServerCredentials.fileName)))
    }

    @Test("only a resource-server's credentials open the stream, and a Last-Event-ID that is no position is 400")
    func refused() async throws {
        try await HTTP.withApplication { environment, client in
            let credentials = try Self.credentials(environment)
            for bad in ["-1", "x", "99999999999999999999", ""] {
                try await client.execute(
                    uri: RevocationStream.path, method: .get, headers: [.authorization: credentials.authorization, .lastEventID: bad]
                ) { #expect($0.status == .badRequest, "\(bad)") }
            }
            // Nobody else reads it: no credentials, a wrong secret, a registered confidential client, a bearer token.
            let (_, registered) = try await OAuthHTTPTests.register(
                client, #"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}"#)
            let outsider = ResourceServerCredentials(
                clientID: try #require(registered["client_id"] as? String), clientSecret: try #require(registered["client_secret"] as? String))
            let wrongSecret = ResourceServerCredentials(clientID: credentials.clientID, clientSecret: credentials.clientSecret + "x")
            for refused: HTTPFields in [
                [:], [.authorization: wrongSecret.authorization], [.authorization: outsider.authorization], [.authorization: "Bearer \(credentials.clientSecret)"],
                [.authorization: "Basic !!!"],
            ] {
                try await client.execute(uri: RevocationStream.path, method: .get, headers: refused) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                    #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") != true)
                }
            }
        }
    }

    @Test("an append reaches open streams at once, from this process or another on the same database, and a reader resumes after its Last-Event-ID")
    func live() async throws {
        try await HTTP.withApplication(testing: .live) { environment, client in
            let port = try #require(client.port)
            let credentials = try Self.credentials(environment)
            let house = try await OAuthHouse.make(environment: environment)
            _ = try await house.exchangeNewCode()
            let grant = try #require(try await environment.storage.activeGrants(tenantID: Tenant.defaultID, userID: house.user.id).first)

            let first = try await StreamReader.open(port: port, credentials: credentials)
            defer { first.close() }
            #expect(first.status == 200 && first.contentType == "text/event-stream")
            let second = try await StreamReader.open(port: port, credentials: credentials)
            defer { second.close() }
            try await first.waitUntilOpen()
            try await second.waitUntilOpen()
            // How soon is for `watch()` below (woken at once, not by the periodic check) and Deploy/bench's
            // revoke-to-refused figures; a wall-clock bound here only failed on a loaded machine.
            #expect(try await environment.storage.revokeGrant(tenantID: Tenant.defaultID, id: grant.id, reason: "test", at: Date()))
            for reader in [first, second] {
                let event = try await reader.next()
                #expect(event.id == "1" && event.type == "revocation")
                #expect(try RevocationStream.decode(event) == .revocation(RevocationEvent(seq: 1, kind: .grant, subject: grant.id, at: try #require(event.at))))
            }

            // Another process (an `auth-server admin` command) on the same file: noticed by the periodic check.
            let elsewhere = try SQLiteAuthStorage(path: (environment.settings.dataDirectory as NSString).appendingPathComponent(AuthServerEnvironment.databaseFileName))
            try await elsewhere.appendRevocationEvent(tenantID: Tenant.defaultID, kind: .user, subject: house.user.id)
            for reader in [first, second] {
                let event = try await reader.next()
                #expect(event.id == "2" && event.type == "revocation" && event.data.contains(#""kind":"user""#))
            }

            // A dropped connection: the reader comes back with the last id it saw and gets what it missed, in order.
            first.close()
            try await elsewhere.appendRevocationEvent(tenantID: Tenant.defaultID, kind: .client, subject: house.client.id)
            try await environment.storage.appendRevocationEvent(tenantID: Tenant.defaultID, kind: .elevation, subject: house.user.id)
            let resumed = try await StreamReader.open(port: port, credentials: credentials, lastEventID: "2")
            defer { resumed.close() }
            #expect(try await resumed.next().id == "3")
            #expect(try await resumed.next().id == "4")
            #expect(try await second.next().id == "3")
            #expect(try await second.next().id == "4")
            // Not a reset: a reader that is up to date just waits.
            let current = try await StreamReader.open(port: port, credentials: credentials, lastEventID: "4")
            defer { current.close() }
            try await current.waitUntilOpen()
            #expect(current.received.isEmpty)
            // Other tenants' streams are not woken, and their numbers start at 1 (the storage contract checks that).
            // The open streams end with the server: this test returns only if they do.
        }
    }

    @Test("a position the log never reached (renumbered) or older than it keeps gets a reset, then the retained log")
    func reset() async throws {
        try await HTTP.withApplication(testing: .live) { environment, client in
            let port = try #require(client.port)
            let credentials = try Self.credentials(environment)
            for subject in ["usr_a", "usr_b", "usr_c"] {
                try await environment.storage.appendRevocationEvent(tenantID: Tenant.defaultID, kind: .user, subject: subject)
            }
            let renumbered = try await StreamReader.open(port: port, credentials: credentials, lastEventID: "500")
            defer { renumbered.close() }
            let reset = try await renumbered.next()
            #expect(reset.type == "reset" && reset.id == "0")
            #expect(try RevocationStream.decode(reset) == .reset)
            #expect(try await [renumbered.next().id, renumbered.next().id, renumbered.next().id] == ["1", "2", "3"])

            // The log forgets what no token can outlive; here, by hand, the first two.
            let storage = try #require(environment.storage as? SQLiteAuthStorage)
            try await storage.database.write { try $0.execute(sql: "DELETE FROM revocation_log WHERE seq <= 2") }
            let behind = try await StreamReader.open(port: port, credentials: credentials, lastEventID: "1")
            defer { behind.close() }
            #expect(try await behind.next().type == "reset")
            #expect(try await behind.next().id == "3")
            // Right after a kept event is still a continuation: no reset.
            let onTime = try await StreamReader.open(port: port, credentials: credentials, lastEventID: "2")
            defer { onTime.close() }
            #expect(try await onTime.next().id == "3")
            // A fresh reader (no Last-Event-ID) gets what is kept, without a reset.
            let fresh = try await StreamReader.open(port: port, credentials: credentials)
            defer { fresh.close() }
            #expect(try await fresh.next().id == "3")
        }
    }

    @Test("the watch wakes waiters on this process's appends, another's (one check per tenant however many wait), on time-out and at shutdown")
    func watch() async throws {
        let head = Mutex<Int64>(5)
        let checks = Mutex(0)
        let watch = RevocationLogWatch(interval: .milliseconds(20)) { _ in
            checks.withLock { $0 += 1 }
            return head.withLock { $0 }
        }
        let clock = ContinuousClock()
        // Each wait below would last two minutes if nothing woke it; the bounds are loose for a loaded machine.
        // Another process appends: all five waiters of the tenant wake after one check.
        let woken = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<5 { group.addTask { await watch.wait(tenantID: "t", from: 5, seen: watch.appendsSoFar, timeout: .seconds(120)) } }
                try? await Task.sleep(for: .milliseconds(200))
                head.withLock { $0 = 6 }
            }
        }
        #expect(woken < .seconds(60))
        let made = checks.withLock { $0 }
        #expect(Double(made) <= woken / .milliseconds(20) + 5, "about one check per interval for the tenant, not one per waiter: \(made) in \(woken)")
        // This process appends: woken without waiting for the interval.
        let slow = RevocationLogWatch(interval: .seconds(60)) { _ in head.withLock { $0 } }
        let seen = slow.appendsSoFar
        let nudged = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await slow.wait(tenantID: "t", from: 6, seen: seen, timeout: .seconds(120)) }
                try? await Task.sleep(for: .milliseconds(50))
                head.withLock { $0 = 7 }
                slow.appended()
            }
        }
        #expect(nudged < .seconds(60))
        // An append between reading the log and waiting is not slept through.
        slow.appended()
        await slow.wait(tenantID: "t", from: 7, seen: seen, timeout: .seconds(120))
        // Nothing happens: the time-out ends the wait (the stream then writes its keep-alive).
        let quiet = await clock.measure { await watch.wait(tenantID: "t", from: 7, seen: watch.appendsSoFar, timeout: .milliseconds(100)) }
        #expect(quiet >= .milliseconds(100) && quiet < .seconds(60))
        // Shutdown wakes everyone and lets nobody wait again.
        let stopped = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await slow.wait(tenantID: "t", from: 7, seen: slow.appendsSoFar, timeout: .seconds(120)) }
                try? await Task.sleep(for: .milliseconds(50))
                slow.shutDown()
            }
            await slow.wait(tenantID: "t", from: 7, seen: slow.appendsSoFar, timeout: .seconds(120))
        }
        #expect(stopped < .seconds(60) && slow.isShutDown)
    }
}

/// One reader of the revocation stream over a real socket, as a resource-server reads it.
final class StreamReader: Sendable {
    let status: Int
    let contentType: String?
    private let inbox = Inbox()
    private let pump: Task<Void, Never>

    /// What arrived so far, filled by the pump.
    private final class Inbox: Sendable {
        let events = Mutex<[ServerSentEvent]>([])
        let bytes = Mutex(0)
    }

    private init(status: Int, contentType: String?, body: HTTPClientResponse.Body) {
        self.status = status
        self.contentType = contentType
        let inbox = self.inbox
        pump = Task {
            var parser = ServerSentEvent.Parser()
            do {
                for try await chunk in body {
                    inbox.bytes.withLock { $0 += chunk.readableBytes }
                    let parsed = try parser.feed(chunk.readableBytesView)
                    inbox.events.withLock { $0.append(contentsOf: parsed) }
                }
            } catch {}
        }
    }

    static func open(port: Int, credentials: ResourceServerCredentials, lastEventID: String? = nil) async throws -> StreamReader {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(RevocationStream.path)")
        request.headers.add(name: "Authorization", value: credentials.authorization)
        request.headers.replaceOrAdd(name: "Host", value: "acme.example.com")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return StreamReader(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"), body: response.body)
    }

    var received: [ServerSentEvent] { inbox.events.withLock { $0 } }

    /// The stream's opening comment has arrived: the reader is in place.
    func waitUntilOpen(within limit: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + limit
        while inbox.bytes.withLock({ $0 }) == 0 {
            guard ContinuousClock.now < deadline else { throw TestFailure("the stream sent nothing") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The next event, as soon as it arrives.
    func next(within limit: Duration = .seconds(10)) async throws -> ServerSentEvent {
        let deadline = ContinuousClock.now + limit
        while true {
            if let event = inbox.events.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return event }
            guard ContinuousClock.now < deadline else { throw TestFailure("no event within \(limit)") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    func close() { pump.cancel() }
}

extension ServerSentEvent {
    /// The `at` of a revocation event's data.
    var at: Int64? {
        struct Stamped: Decodable { let at: Int64 }
        return (try? JSONDecoder().decode(Stamped.self, from: Data(data.utf8)))?.at
    }
}
