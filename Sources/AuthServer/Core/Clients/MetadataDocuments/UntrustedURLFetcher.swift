import AsyncHTTPClient
import Foundation
import Shared

/// Fetches a JSON document from a URL a client supplied: a Client ID Metadata Document, a client's
/// `jwks_uri`. Whoever types the URL picks the destination, so (CIMD draft § Client Information
/// Discovery, § Server Side Request Forgery (SSRF) Attacks, § Maximum Response Size for Client Metadata Documents):
///
/// - https only; plain http only to loopback, and only with GATEHOUSE_CIMD_ALLOW_LOOPBACK=true, which
///   exists for local tests that serve documents from a Hummingbird server on 127.0.0.1.
/// - The host is resolved here, and the fetch is refused if ANY of its addresses is special-use
///   (`SpecialUseAddressBlock`); with allow-loopback, loopback addresses alone are let through.
/// - The connection then goes to the first checked address and no other: AsyncHTTPClient's
///   `dnsOverride` maps the host name to that address for this client alone, while TLS still sends the
///   host name (SNI) and validates the certificate for it, and the Host header keeps the name. A second
///   DNS answer (rebinding) is never asked for. Each fetch has its own client for that reason, on the
///   shared event loops; fetches are rare, as their results are cached.
/// - No redirects (a 3xx is an error), 200 only, `application/json` or `application/*+json` only,
///   a size limit enforced while reading (it stops at the first chunk that passes the limit, and the
///   connection is dropped),
///   no decompression, a connect timeout and one deadline over the whole exchange, body included.
public struct UntrustedURLFetcher: Sendable {
    public typealias Resolve = @Sendable (_ host: String) async throws -> [IPAddress]

    /// The body and the headers that say how long it may be cached.
    public struct Response: Sendable {
        public let body: Data
        public let cacheControl: String?
        public let expires: String?
        public let date: String?
        public let age: String?
    }

    public let allowLoopback: Bool
    private let resolve: Resolve
    private let connectTimeout: Duration
    private let totalTimeout: Duration

    /// `resolve` defaults to the system resolver; tests replace it to point a made-up host name at a local server.
    public init(
        allowLoopback: Bool,
        connectTimeout: Duration = AuthPolicy.MetadataDocuments.connectTimeout,
        totalTimeout: Duration = AuthPolicy.MetadataDocuments.totalTimeout,
        resolve: Resolve? = nil
    ) {
        self.allowLoopback = allowLoopback
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.resolve = resolve ?? SystemHostResolver.resolve
    }

    public func fetchJSON(_ url: String, maxBytes: Int) async throws(URLFetchError) -> Response {
        let deadline = totalTimeout
        do {
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await self.fetch(url, maxBytes: maxBytes) }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let response = first else { throw URLFetchError.timedOut }
                return response
            }
        } catch let error as URLFetchError {
            throw error
        } catch {
            throw .unreachable(detail: String(describing: error))
        }
    }

    private func fetch(_ url: String, maxBytes: Int) async throws(URLFetchError) -> Response {
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let rawHost = parsed.host, !rawHost.isEmpty, parsed.user == nil, parsed.password == nil
        else { throw .invalidURL }
        if scheme == "http", !allowLoopback { throw .notHTTPS }
        // The name exactly as AsyncHTTPClient will look it up in `dnsOverride`.
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost

        let addresses: [IPAddress]
        do {
            addresses = try await resolve(host)
        } catch {
            throw .hostNotFound(detail: String(describing: error))
        }
        guard let pinned = addresses.first else { throw .hostNotFound(detail: "no addresses") }
        for address in addresses where !(allowLoopback && address.isLoopback) {
            if let block = address.specialUseBlock { throw .forbiddenAddress(block) }
        }
        if scheme == "http", !addresses.allSatisfy(\.isLoopback) { throw .notHTTPS }

        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        configuration.dnsOverride = [host: pinned.description]
        configuration.timeout = .init(connect: .nanoseconds(Self.nanoseconds(connectTimeout)), read: .nanoseconds(Self.nanoseconds(totalTimeout)))
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: "application/json")
        // Some edge networks turn away requests without a User-Agent.
        request.headers.add(name: "User-Agent", value: "Gatehouse (client metadata fetcher)")

        do {
            return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                let response = try await client.execute(request, timeout: .nanoseconds(Self.nanoseconds(totalTimeout)))
                let status = Int(response.status.code)
                if (300..<400).contains(status) { throw URLFetchError.redirect(status: status) }
                guard status == 200 else { throw URLFetchError.status(status) }
                let contentType = response.headers.first(name: "content-type")
                guard let contentType, Self.isJSON(contentType) else { throw URLFetchError.contentType(contentType) }
                if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maxBytes {
                    throw URLFetchError.tooLarge(limit: maxBytes)
                }
                var body = Data()
                for try await chunk in response.body {
                    guard body.count + chunk.readableBytes <= maxBytes else { throw URLFetchError.tooLarge(limit: maxBytes) }
                    body.append(contentsOf: chunk.readableBytesView)
                }
                return Response(
                    body: body, cacheControl: response.headers.first(name: "cache-control"), expires: response.headers.first(name: "expires"),
                    date: response.headers.first(name: "date"), age: response.headers.first(name: "age"))
            }
        } catch let error as URLFetchError {
            throw error
        } catch let error as HTTPClientError where [.connectTimeout, .readTimeout, .deadlineExceeded].contains(error) {
            throw .timedOut
        } catch {
            throw .unreachable(detail: String(describing: error))
        }
    }

    /// `application/json` or `application/<anything>+json`, parameters such as charset ignored.
    static func isJSON(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType.hasPrefix("application/") else { return false }
        let subtype = mediaType.dropFirst("application/".count)
        return subtype == "json" || (subtype.hasSuffix("+json") && subtype.count > "+json".count && !subtype.contains("/"))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
