import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Shared
import Synchronization

/// Follows the auth-server's revocation stream (docs/architecture.md § How the servers talk): each event goes into
/// the deny set and takes what it ends out of the verified-token cache; a reset empties the cache. When the stream
/// breaks it reconnects with `Last-Event-ID`, so nothing is missed, after a pause that doubles with each failure up
/// to `maximumBackoff`, with jitter so many resource-servers do not all knock at once. Meanwhile tokens are judged by
/// what it knew last. It logs once when the stream breaks and once when it is back.
public struct RevocationStreamFollower: Service {
    /// Opens the stream after `lastEventID` and hands each chunk of it to `receive` as it arrives; returns when the
    /// stream ends, throws when it breaks.
    public typealias Connect = @Sendable (_ lastEventID: Int64, _ receive: (ByteBuffer) async throws -> Void) async throws -> Void

    let connect: Connect
    let denied: RevocationDenySet
    let cache: VerifiedTokenCache
    let initialBackoff: Duration
    let maximumBackoff: Duration
    let logger: Logger

    public init(
        connect: @escaping Connect, denied: RevocationDenySet, cache: VerifiedTokenCache, initialBackoff: Duration = .milliseconds(100),
        maximumBackoff: Duration = .seconds(10), logger: Logger
    ) {
        self.connect = connect
        self.denied = denied
        self.cache = cache
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.logger = logger
    }

    struct StreamEnded: Error, CustomStringConvertible {
        var description: String { "the auth-server ended the stream" }
    }

    /// Shutdown cancels the connection and the pause: waiting them out would hold up a stop.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await follow() }
    }

    private func follow() async {
        var position: Int64 = 0
        var failures = 0
        var broken = false
        while !Task.isCancelled {
            var parser = ServerSentEvent.Parser()
            do {
                try await connect(position) { chunk in
                    if broken { logger.info("revocation stream back", metadata: ["after": "\(position)"]) }
                    broken = false
                    failures = 0
                    for event in try parser.feed(chunk.readableBytesView) {
                        position = try apply(event) ?? position
                    }
                }
                throw StreamEnded()
            } catch where Task.isCancelled {
                return
            } catch {
                if !broken { logger.warning("revocation stream broken; reconnecting", metadata: ["error": "\(error)", "after": "\(position)"]) }
                broken = true
                failures += 1
            }
            try? await Task.sleep(for: backoff(afterFailures: failures))
        }
    }

    /// Acts on one event of the stream; returns the position it moves the reader to, if any.
    func apply(_ event: ServerSentEvent) throws -> Int64? {
        switch try RevocationStream.decode(event) {
        case .reset:
            // The log cannot go on from where we were: whatever was cached may rest on events we never saw. What
            // was denied stays denied; the retained log follows.
            cache.removeAll()
            logger.notice("revocation stream reset: cached tokens dropped")
            return 0
        case .revocation(let revocation):
            denied.insert(revocation)
            cache.remove(affectedBy: revocation)
            ProcessMetrics.revocationReceived(lagSeconds: max(0, Date().timeIntervalSince1970 - Double(revocation.at)))
            logger.debug("revoked", metadata: ["kind": "\(revocation.kind.rawValue)", "subject": "\(revocation.subject)"])
            return revocation.seq
        case nil:
            return event.id.flatMap(Int64.init)
        }
    }

    /// A pause that doubles with each failure from `initialBackoff` up to `maximumBackoff`, of which a random half to
    /// all is taken (jitter), so resource-servers that lost the stream together do not come back together.
    func backoff(afterFailures failures: Int) -> Duration {
        let ceiling = min(initialBackoff * (1 << min(failures - 1, 20)), maximumBackoff)
        return ceiling * Double.random(in: 0.5...1)
    }

    /// The stream over HTTP: refused unless 200 and `text/event-stream`; broken when nothing at all (not even a
    /// keep-alive comment) arrives for `idleLimit`.
    public static func httpConnect(
        _ connection: AuthServerConnection, credentials: ResourceServerCredentials,
        idleLimit: Duration = .seconds(3 * RevocationStream.keepAliveSeconds)
    ) -> Connect {
        { position, receive in
            var request = HTTPClientRequest(url: connection.authURL + RevocationStream.path)
            request.headers.add(name: "Accept", value: "text/event-stream")
            request.headers.add(name: "Authorization", value: credentials.authorization)
            if position > 0 { request.headers.add(name: "Last-Event-ID", value: String(position)) }
            if let issuerHost = connection.issuerHost { request.headers.replaceOrAdd(name: "Host", value: issuerHost) }
            let response = try await connection.client.execute(request, timeout: .seconds(5))
            guard response.status == .ok else { throw AuthServerConnection.StatusError(status: Int(response.status.code)) }
            guard response.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true else {
                throw AuthServerConnection.StatusError(status: Int(response.status.code))
            }
            let heard = LastHeard()
            let body = response.body
            let (chunks, sink) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        for try await chunk in body {
                            heard.now()
                            sink.yield(chunk)
                        }
                        sink.finish()
                    } catch {
                        sink.finish(throwing: error)
                    }
                }
                group.addTask {
                    while heard.silence < idleLimit { try await Task.sleep(for: idleLimit / 4) }
                    sink.finish(throwing: Silent())
                }
                defer { group.cancelAll() }
                for try await chunk in chunks { try await receive(chunk) }
            }
        }
    }

    /// When the stream last said anything.
    private final class LastHeard: Sendable {
        private let instant = Mutex(ContinuousClock.now)
        func now() { instant.withLock { $0 = .now } }
        var silence: Duration { instant.withLock { ContinuousClock.now - $0 } }
    }

    struct Silent: Error, CustomStringConvertible {
        var description: String { "the stream was silent for too long" }
    }
}
