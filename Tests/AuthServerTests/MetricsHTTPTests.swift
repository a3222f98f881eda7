import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// /metrics on the auth-server's own port, over a real socket: served to a loopback caller that came without a
/// proxy, in the Prometheus text format, with request counts, latencies and errors by route and status
/// (`RequestMetricsMiddleware`) and tokens issued by grant type; a 404 for a request that came through a proxy.
@Suite("Metrics over HTTP")
struct MetricsHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    /// The value of the sample `name{labels}` in Prometheus text, 0 when absent.
    static func sample(_ text: String, _ series: String) -> Double {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
    }

    @Test("a loopback scrape reads requests by route and status and a token issued by the code grant; a proxied one gets 404")
    func scrape() async throws {
        try await HTTP.withApplication(testing: .live) { environment, client in
            let series = #"gatehouse_tokens_issued_total{grant_type="authorization_code"}"#
            let before = try await client.execute(uri: "/metrics", method: .get)
            #expect(before.status == .ok && before.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let issuedBefore = Self.sample(String(buffer: before.body), series)

            _ = try await environment.addPerson(email: "tech@example.com")
            let (app, basic) = try await AppGovernanceHTTPTests.app(environment)
            let tokens = try await AppGovernanceHTTPTests.tokens(Browser(client: client), client, appID: app.id, basic: basic, email: "tech@example.com")
            #expect(tokens["access_token"] != nil)

            let after = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(Self.sample(after, series) >= issuedBefore + 1)
            #expect(after.contains(#"hb_requests{http_route="/oauth/token",http_request_method="POST",http_response_status_code="200"}"#))
            #expect(after.contains("# TYPE http_server_request_duration histogram"))
            #expect(after.contains(#"http_server_request_duration_count{http_route="/oauth/token",http_request_method="POST",http_response_status_code="200"}"#))

            // A request no route answers is counted as an error of the route "NotFound", as Hummingbird's own middleware did.
            let errors = #"hb_request_errors{http_route="NotFound",http_request_method="GET",error_type="404"}"#
            let missing = try await client.execute(uri: "/no-such-page", method: .get)
            #expect(missing.status == .notFound)
            let afterMissing = String(buffer: try await client.execute(uri: "/metrics", method: .get).body)
            #expect(Self.sample(afterMissing, errors) >= Self.sample(after, errors) + 1)

            for header in ["X-Forwarded-For", "Forwarded"] {
                let proxied = try await client.execute(uri: "/metrics", method: .get, headers: [HTTPField.Name(header)!: "203.0.113.9"])
                #expect(proxied.status == .notFound, "\(header)")
            }
        }
    }

    @Test("with GATEHOUSE_METRICS_LISTEN set, the main port has no /metrics")
    func ownListener() async throws {
        try await HTTP.withApplication(configure: { $0.metricsListen = ListenAddress(host: "127.0.0.1", port: 0) }, testing: .live) { _, client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .notFound)
        }
    }
}
