import Foundation
import Logging
import ServiceLifecycle
import Shared

/// Follows the auth-server's revocation feed: polls it every `interval`, and for each ended grant
/// refuses its access tokens from then on and drops them from the verified-token cache. It starts from
/// the beginning of the feed, so a restarted server learns every grant that still matters. When the
/// auth-server cannot be reached it keeps trying; tokens are judged by what it knew last.
public struct RevocationFeedPoller: Service {
    public typealias Fetch = @Sendable (_ after: Int64) async throws -> RevocationFeedPage

    let fetch: Fetch
    let revoked: RevokedGrants
    let cache: VerifiedTokenCache
    let interval: Duration
    let logger: Logger

    public init(fetch: @escaping Fetch, revoked: RevokedGrants, cache: VerifiedTokenCache, interval: Duration = .seconds(1), logger: Logger) {
        self.fetch = fetch
        self.revoked = revoked
        self.cache = cache
        self.interval = interval
        self.logger = logger
    }

    public static func httpFetch(_ connection: AuthServerConnection, credentials: ResourceServerCredentials) -> Fetch {
        { after in
            try await connection.getJSON(
                "\(RevocationFeedPage.path)?after=\(after)", as: RevocationFeedPage.self, limit: 1 << 20, credentials: credentials)
        }
    }

    /// Shutdown cancels the poll in flight and the pause after it: waiting them out would hold up a
    /// stop by seconds when the auth-server is stopping too.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await poll() }
    }

    private func poll() async {
        var position: Int64 = 0
        var failing = false
        while !Task.isCancelled {
            do {
                let page = try await fetch(position)
                position = apply(page, after: position)
                if failing { logger.info("revocation feed reachable again") }
                failing = false
                // A full page means more is waiting: read on without pausing.
                if page.events.count >= RevocationFeedPage.pageSize { continue }
            } catch where Task.isCancelled {
                return
            } catch {
                if !failing { logger.warning("cannot read the auth-server's revocation feed", metadata: ["error": "\(error)"]) }
                failing = true
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Records the page's grants and returns where the next poll starts. After a restart (the auth-server's
    /// log was renumbered) the page's own position counts, even if it is behind ours; nothing learnt is dropped.
    func apply(_ page: RevocationFeedPage, after position: Int64) -> Int64 {
        for event in page.events where !revoked.contains(event.grant) {
            revoked.insert(event.grant)
            cache.removeGrant(event.grant)
            logger.info("grant revoked", metadata: ["grant": "\(event.grant)"])
        }
        return page.restart ? page.next : max(position, page.next)
    }
}
