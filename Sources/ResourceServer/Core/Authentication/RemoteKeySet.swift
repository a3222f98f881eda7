import Crypto
import Foundation
import Logging
import Shared

/// The auth-server's signing keys, fetched from its JWKS and cached. An unknown `kid` triggers a refetch
/// at most once per `minimumRefetchInterval`, so a flood of forged kids cannot turn into a flood of
/// fetches; the set is also refreshed when older than `maximumAge`, so a withdrawn key disappears. When
/// the auth-server cannot be reached, known keys keep working and unknown ones are reported as
/// unavailable, not unknown: a client must not throw its token away because of our outage.
public actor RemoteKeySet {
    public typealias Fetch = @Sendable () async throws -> [String: P256.Signing.PublicKey]

    private let fetch: Fetch
    private let minimumRefetchInterval: Duration
    private let maximumAge: Duration
    private let logger: Logger
    private var keys: [String: P256.Signing.PublicKey] = [:]
    private var fetchedAt: ContinuousClock.Instant?
    private var failedAt: ContinuousClock.Instant?
    private var inFlight: Task<Void, Never>?
    /// How long after a failed fetch the next one may be tried.
    private let retryAfterFailure: Duration = .seconds(5)

    public enum Lookup: Sendable {
        case found(P256.Signing.PublicKey)
        case unknown
        case unavailable
    }

    public init(
        minimumRefetchInterval: Duration = .seconds(30), maximumAge: Duration = .seconds(600), logger: Logger, fetch: @escaping Fetch
    ) {
        self.fetch = fetch
        self.minimumRefetchInterval = minimumRefetchInterval
        self.maximumAge = maximumAge
        self.logger = logger
    }

    public func key(id: String) async -> Lookup {
        let now = ContinuousClock.now
        let age = fetchedAt.map { now - $0 }
        if let key = keys[id], let age, age < maximumAge { return .found(key) }
        if keys[id] == nil, let age, age < minimumRefetchInterval { return .unknown }
        if let failedAt, now - failedAt < retryAfterFailure { return keys[id].map(Lookup.found) ?? .unavailable }
        await refresh()
        if let key = keys[id] { return .found(key) }
        return failedAt == nil ? .unknown : .unavailable
    }

    /// For /readyz: nil while tokens can be verified, else why not. Keys fetched within `minimumRefetchInterval`
    /// count; older ones are fetched again (at most that often, however often the probe asks), so an auth-server
    /// outage shows within half a minute while tokens verified with cached keys keep being served meanwhile.
    public func readiness() async -> String? {
        let now = ContinuousClock.now
        if let fetchedAt, now - fetchedAt < minimumRefetchInterval, !keys.isEmpty { return nil }
        if let failedAt, now - failedAt < retryAfterFailure { return "the last fetch of the auth-server's JWKS failed" }
        await refresh()
        if failedAt != nil { return "cannot fetch the auth-server's JWKS" }
        return keys.isEmpty ? "the auth-server's JWKS holds no key" : nil
    }

    /// One fetch at a time; concurrent callers wait for the same one.
    private func refresh() async {
        if let inFlight { return await inFlight.value }
        let task = Task {
            do {
                let fetched = try await fetch()
                self.store(fetched)
            } catch {
                self.logger.warning("cannot fetch the auth-server's JWKS", metadata: ["error": "\(error)"])
                self.store(nil)
            }
        }
        inFlight = task
        await task.value
        inFlight = nil
    }

    private func store(_ fetched: [String: P256.Signing.PublicKey]?) {
        if let fetched {
            keys = fetched
            fetchedAt = ContinuousClock.now
            failedAt = nil
        } else {
            failedAt = ContinuousClock.now
        }
    }

    /// Fetches the auth-server's JWKS (`/oauth/jwks.json`) over the connection.
    public static func httpFetch(_ connection: AuthServerConnection) -> Fetch {
        { try await connection.getJSON("/oauth/jwks.json", as: LenientJSONWebKeySet.self, limit: 256 * 1024).keysByID }
    }
}
