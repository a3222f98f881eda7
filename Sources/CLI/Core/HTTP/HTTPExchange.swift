import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Shared

/// Every request the command line makes, through one AsyncHTTPClient for the run. Redirects are never followed
/// (a token must not travel to wherever a redirect points), and anything that keeps the request from getting an
/// HTTP answer is `CLIFailure.unreachable` (exit 4).
final class HTTPExchange: Sendable {
    /// An answer, read whole up to the request's limit.
    struct Reply: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: Data

        func header(_ name: String) -> String? { headers.first(name: name) }
        var json: [String: Any]? { JSONText.object(body) }
        var mediaType: String {
            (header("Content-Type") ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        }
    }

    /// Answers the command line reads are small (metadata, token responses) except MCP results, which a tool
    /// may make large; a megabyte more than the resource-server accepts in a request leaves room for any result.
    static let maximumReplyBytes = 64 * 1024 * 1024

    private let client: HTTPClient
    private let timeout: TimeAmount

    /// - Parameter timeout: for a whole exchange; a tool call may take a while.
    init(timeout: TimeAmount = .seconds(120)) {
        client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: timeout)))
        self.timeout = timeout
    }

    func shutdown() async { try? await client.shutdown() }

    func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: Data? = nil) async throws(CLIFailure) -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await client.execute(request, timeout: timeout)
            let bytes = try await response.body.collect(upTo: Self.maximumReplyBytes)
            return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: bytes))
        } catch {
            throw .unreachable("cannot reach \(Self.origin(of: url)) (\(Self.reason(error))): check the URL and your network, then try again")
        }
    }

    /// RFC 6749 Appendix B: a form-encoded POST, as the token, revocation and device authorization endpoints take.
    func postForm(_ url: String, _ fields: [(String, String)]) async throws(CLIFailure) -> Reply {
        let body = FormEncoding.encode(fields)
        return try await send(
            .POST, url, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")], body: Data(body.utf8))
    }

    func getJSON(_ url: String) async throws(CLIFailure) -> Reply {
        try await send(.GET, url, headers: [("Accept", "application/json")])
    }

    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// A short reason without the type names AsyncHTTPClient's errors print.
    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectTimeout") || text.contains("deadlineExceeded") || text.contains("readTimeout") { return "timed out" }
        if text.lowercased().contains("connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if text.contains("DNS") || text.contains("lookup") || text.contains("NXDOMAIN") { return "the host name was not found" }
        if text.contains("TLS") || text.contains("SSL") || text.contains("certificate") { return "TLS failed: \(text.prefix(120))" }
        return String(text.prefix(160))
    }
}
