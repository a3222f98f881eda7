import Foundation
import Logging

/// The keys behind clients' `jwks_uri`s, cached per URI. The injected fetch owns the network rules
/// (SSRF refusal, timeout, size limit); this type owns when to call it: a set is trusted for
/// `jwksMaximumAgeSeconds`, an unknown `kid` refetches at most once per `jwksRefetchIntervalSeconds`
/// (OIDC Core §10.1.1), a failure is retried after `jwksRetryAfterFailureSeconds`, and concurrent lookups
/// of one URI share one fetch. Keys that are too old are never served, even when the host is down: a
/// client that withdrew a key must be able to rely on that.
public actor ClientJWKSCache {
    public typealias Fetch = @Sendable (URL) async throws -> Data

    private struct Entry {
        var keys: [ClientPublicKey] = []
        var fetchedAt: Date?
        var attemptedAt: Date
        var lastAttemptFailed: Bool
    }

    private let fetch: Fetch
    private let logger: Logger
    private var entries: [URL: Entry] = [:]
    private var inFlight: [URL: Task<[ClientPublicKey]?, Never>] = [:]

    public init(logger: Logger, fetch: @escaping Fetch) {
        self.logger = logger
        self.fetch = fetch
    }

    /// The keys at `url`, from the cache while fresh.
    func keys(at url: URL, now: Date) async throws(ClientAssertionError) -> [ClientPublicKey] {
        if let entry = entries[url] {
            if let fetchedAt = entry.fetchedAt, now.timeIntervalSince(fetchedAt) < ClientAuthenticationPolicy.jwksMaximumAgeSeconds {
                return entry.keys
            }
            if inFlight[url] == nil, entry.lastAttemptFailed,
                now.timeIntervalSince(entry.attemptedAt) < ClientAuthenticationPolicy.jwksRetryAfterFailureSeconds
            {
                throw .keysUnavailable
            }
        }
        guard let keys = await refresh(url, now: now) else { throw .keysUnavailable }
        return keys
    }

    /// The keys at `url` fetched anew because an assertion named a key we do not have, or nil when the
    /// URI was fetched too recently to ask again.
    func keysAfterUnknownKey(at url: URL, now: Date) async throws(ClientAssertionError) -> [ClientPublicKey]? {
        if inFlight[url] == nil, let entry = entries[url],
            now.timeIntervalSince(entry.attemptedAt) < ClientAuthenticationPolicy.jwksRefetchIntervalSeconds
        {
            return nil
        }
        guard let keys = await refresh(url, now: now) else { throw .keysUnavailable }
        return keys
    }

    /// Joins the fetch of `url` under way, or starts one. Nil when it failed.
    private func refresh(_ url: URL, now: Date) async -> [ClientPublicKey]? {
        if let running = inFlight[url] { return await running.value }
        let task = Task {
            let keys: [ClientPublicKey]?
            do {
                keys = try ClientJSONWebKeySet.keys(from: await fetch(url))
            } catch {
                logger.warning("cannot fetch a client's JWK Set", metadata: ["jwks_uri": "\(url.absoluteString)", "error": "\(error)"])
                keys = nil
            }
            store(keys, for: url, attemptedAt: now)
            return keys
        }
        inFlight[url] = task
        return await task.value
    }

    private func store(_ keys: [ClientPublicKey]?, for url: URL, attemptedAt: Date) {
        inFlight[url] = nil
        if entries[url] == nil, entries.count >= ClientAuthenticationPolicy.jwksCacheCapacity,
            let oldest = entries.min(by: { $0.value.attemptedAt < $1.value.attemptedAt })?.key
        {
            entries[oldest] = nil
        }
        var entry = entries[url] ?? Entry(attemptedAt: attemptedAt, lastAttemptFailed: false)
        entry.attemptedAt = attemptedAt
        entry.lastAttemptFailed = keys == nil
        if let keys {
            entry.keys = keys
            entry.fetchedAt = attemptedAt
        }
        entries[url] = entry
    }
}
