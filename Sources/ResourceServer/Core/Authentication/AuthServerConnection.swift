import AsyncHTTPClient
import Foundation
import NIOCore
import Shared

/// How the resource-server reaches the auth-server: at `GATEHOUSE_AUTH_URL`, presenting the issuer's
/// host so a multi-tenant auth-server picks the right tenant even when reached by another name.
public struct AuthServerConnection: Sendable {
    let authURL: String
    let issuerHost: String?
    let client: HTTPClient

    public init(authURL: String, issuer: String, client: HTTPClient = .shared) {
        self.authURL = authURL
        self.issuerHost = URLComponents(string: issuer).flatMap { components in
            components.host.map { host in components.port.map { "\(host):\($0)" } ?? host }
        }
        self.client = client
    }

    public struct StatusError: Error, CustomStringConvertible {
        public let status: Int
        public var description: String { "the auth-server answered HTTP \(status)" }
    }

    /// GETs a JSON document from the auth-server: 200 or an error, within five seconds. `credentials` for
    /// the internal endpoints, which answer only a resource-server.
    func getJSON<T: Decodable>(
        _ pathAndQuery: String, as type: T.Type, limit: Int, credentials: ResourceServerCredentials? = nil
    ) async throws -> T {
        try await exchange(HTTPClientRequest(url: authURL + pathAndQuery), as: type, limit: limit, credentials: credentials)
    }

    /// POSTs a form (`application/x-www-form-urlencoded`) and reads the JSON answer, as `getJSON` does.
    func postForm<T: Decodable>(
        _ path: String, _ fields: [(String, String)], as type: T.Type, limit: Int, credentials: ResourceServerCredentials
    ) async throws -> T {
        var request = HTTPClientRequest(url: authURL + path)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        return try await exchange(request, as: type, limit: limit, credentials: credentials)
    }

    private func exchange<T: Decodable>(
        _ request: HTTPClientRequest, as type: T.Type, limit: Int, credentials: ResourceServerCredentials?
    ) async throws -> T {
        var request = request
        request.headers.add(name: "Accept", value: "application/json")
        if let credentials { request.headers.add(name: "Authorization", value: credentials.authorization) }
        if let issuerHost { request.headers.replaceOrAdd(name: "Host", value: issuerHost) }
        let response = try await client.execute(request, timeout: .seconds(5))
        guard response.status == .ok else { throw StatusError(status: Int(response.status.code)) }
        return try JSONDecoder().decode(type, from: try await response.body.collect(upTo: limit))
    }
}
