import Foundation
import Logging
import Shared

/// Turns a metadata-document client_id into a checked `ClientMetadataDocument` (CIMD draft § Client
/// Information Discovery): its pinned copy if there is one, else a cached fetch,
/// else a fetch through `UntrustedURLFetcher`. Fetched documents are cached as their HTTP headers allow,
/// within bounds (`CacheLifetime`); failures and invalid documents are never cached, so the next sign-in
/// tries again (§ Metadata Caching). Concurrent requests for one URL share one fetch. Anyone can name a URL as a
/// client_id, so each address may start only so many fetches an hour (docs/security.md § Rate limits); pinned and cached
/// documents, and joining a fetch already under way, cost nothing.
public actor CIMDClientResolver {
    private struct Entry {
        let document: ClientMetadataDocument
        let expires: Date
    }

    /// The fetcher for every URL a client supplies; the `jwks_uri` fetch for `private_key_jwt` uses it too.
    public nonisolated let fetcher: UntrustedURLFetcher
    let pinned: PinnedClientMetadataDocuments
    private let now: @Sendable () -> Date
    let logger: Logger
    private var cache: [String: Entry] = [:]
    private var inFlight: [String: Task<Result<ClientMetadataDocument, CIMDResolutionError>, Never>] = [:]
    /// Per instance even with PostgreSQL: it guards this instance's own outbound fetches (a fetch amplifier is
    /// one process fetching), and a cached document is not fetched again by it.
    private let fetchesPerAddress = RateLimiter(limit: AuthPolicy.MetadataDocuments.fetchesPerAddressPerHour, per: 3600)

    public init(pinned: PinnedClientMetadataDocuments, fetcher: UntrustedURLFetcher, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.pinned = pinned
        self.fetcher = fetcher
        self.logger = logger
        self.now = now
    }

    /// From the settings. A bad pinned file is a `ConfigurationError` naming it, for a one-line exit 2.
    public static func make(settings: AuthServerSettings, logger: Logger) throws(ConfigurationError) -> CIMDClientResolver {
        let allowLoopback = settings.cimdAllowLoopback
        let pinned = try PinnedClientMetadataDocuments.load(settings.cimdPinnedDirectory, allowLoopbackHTTP: allowLoopback)
        if allowLoopback {
            logger.warning("GATEHOUSE_CIMD_ALLOW_LOOPBACK is on: client metadata documents may come from loopback over plain http; for local tests only")
        }
        logger.info("pinned client metadata documents", metadata: ["clients": "\(pinned.documents.keys.sorted())"])
        return CIMDClientResolver(pinned: pinned, fetcher: UntrustedURLFetcher(allowLoopback: allowLoopback), logger: logger)
    }

    /// What kind of client_id this is, under this server's allow-loopback setting.
    public nonisolated func kind(of clientID: String) -> CIMDClientIdentifier.Kind {
        CIMDClientIdentifier.classify(clientID, allowLoopbackHTTP: fetcher.allowLoopback)
    }

    /// The client's document. Call it for client_ids that `kind(of:)` calls `.metadataDocument`; any
    /// other id is refused here as well. `address` is where the request came from (nil: unknown, which
    /// counts as one address); a fetch it starts is charged to it.
    public func resolve(_ clientID: String, onBehalfOf address: ClientAddress?) async throws(CIMDResolutionError) -> ClientMetadataDocument {
        switch kind(of: clientID) {
        case .metadataDocument: break
        case .plain: throw .invalidClientID(clientID, .notHTTPS)
        case .invalidURL(let problem): throw .invalidClientID(clientID, problem)
        }
        if let document = pinned.documents[clientID] { return document }
        if let entry = cache[clientID] {
            if entry.expires > now() { return entry.document }
            cache[clientID] = nil
        }
        if let running = inFlight[clientID] { return try await running.value.get() }
        guard fetchesPerAddress.admit(address?.limitKey ?? ClientAddress.unknownKey, now: now()) == nil else {
            logger.notice("client metadata document not fetched: address over its limit", metadata: ["client_id": "\(clientID)"])
            throw .tooManyFetches(clientID)
        }
        return try await startFetch(clientID).value.get()
    }

    private func startFetch(_ clientID: String) -> Task<Result<ClientMetadataDocument, CIMDResolutionError>, Never> {
        let task = Task { await self.fetchAndCache(clientID) }
        inFlight[clientID] = task
        return task
    }

    private func fetchAndCache(_ clientID: String) async -> Result<ClientMetadataDocument, CIMDResolutionError> {
        defer { inFlight[clientID] = nil }
        let result: Result<ClientMetadataDocument, CIMDResolutionError>
        var lifetime: Double?
        do {
            let response = try await fetcher.fetchJSON(clientID, maxBytes: AuthPolicy.MetadataDocuments.maxDocumentBytes)
            do {
                result = .success(try ClientMetadataDocument(json: response.body, clientID: clientID, allowLoopbackHTTP: fetcher.allowLoopback))
                lifetime = CacheLifetime.seconds(for: response, now: now())
            } catch {
                result = .failure(.invalidDocument(clientID, error))
            }
        } catch {
            result = .failure(.fetchFailed(clientID, error))
        }
        switch result {
        case .success(let document):
            if let lifetime { store(document, for: lifetime) }
            logger.info("fetched a client metadata document", metadata: ["client_id": "\(clientID)", "cache_seconds": "\(lifetime.map { Int($0) } ?? 0)"])
        case .failure(let error):
            logger.notice("client metadata document refused", metadata: ["client_id": "\(clientID)", "reason": "\(error.logDetail)"])
        }
        return result
    }

    /// When full, expired entries go first, then those closest to expiring.
    private func store(_ document: ClientMetadataDocument, for seconds: Double) {
        let now = now()
        if cache[document.clientID] == nil, cache.count >= AuthPolicy.MetadataDocuments.maxCachedDocuments {
            cache = cache.filter { $0.value.expires > now }
            if cache.count >= AuthPolicy.MetadataDocuments.maxCachedDocuments,
                let soonest = cache.min(by: { $0.value.expires < $1.value.expires })
            {
                cache[soonest.key] = nil
            }
        }
        cache[document.clientID] = Entry(document: document, expires: now.addingTimeInterval(seconds))
    }
}
