import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// The auth-server's HTTP surface, driven in process.
@Suite("Auth-server HTTP")
struct AuthServerHTTPTests {
    static let issuer = "https://acme.example.com"
    static let resource = "https://acme.example.com/mcp"

    /// `configure` changes the settings before the server starts, e.g. to pin test metadata documents.
    /// What the resource-server publishes in these tests, instead of fetching it.
    static let publishedTools: ResourceToolCatalog = ResourceToolCatalog { _ in
        Data(#"{"resource":"https://acme.example.com/mcp","gatehouse_tools":[{"name":"whoami","scopes":[],"kind":"read"},{"name":"get_ticket","scopes":["tickets:read"],"kind":"read"},{"name":"close_ticket","scopes":["tickets:write"],"kind":"high-trust"},{"name":"update_ticket_status","scopes":["tickets:write"],"kind":"write","roles":["admin","technician"]},{"name":"get_customer_status_snapshot","scopes":["customers:read","tickets:read"],"kind":"read"}]}"#.utf8)
    }

    static func withApplication(
        configure: (inout AuthServerSettings) -> Void = { _ in },
        resourceTools: ResourceToolCatalog = publishedTools,
        pages: (@Sendable (AuthServerEnvironment) async throws -> PageServices)? = nil,
        resourceAdmin: (@Sendable (AuthServerEnvironment) -> ResourceServerAdmin)? = nil, testing: TestingSetup = .router,
        _ body: @escaping @Sendable (AuthServerEnvironment, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(creating: false)
        defer { directory.remove() }
        var settings = AuthServerSettings(
            listen: .init(host: "127.0.0.1", port: 0), issuer: issuer, resource: resource, dataDirectory: directory.path,
            keyEncryptionKey: AuthServerEnvironmentTests.testKEK)
        configure(&settings)
        let environment = try await AuthServerEnvironment.open(settings, reconcile: true)
        let app = Application(
            router: try await AuthServerApplication.router(
                environment: environment, resourceTools: resourceTools, pages: try await pages?(environment), resourceAdmin: resourceAdmin?(environment)))
        try await app.test(testing) { client in try await body(environment, client) }
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    /// Every string anywhere in a JSON value.
    static func strings(in value: Any) -> [String] {
        switch value {
        case let string as String: [string]
        case let array as [Any]: array.flatMap(strings(in:))
        case let object as [String: Any]: object.values.flatMap(strings(in:))
        default: []
        }
    }

    @Test("RFC 8414 §3.3: metadata names the configured issuer byte for byte, jwks_uri under it, no trailing slash anywhere")
    func authorizationServerMetadata() async throws {
        try await Self.withApplication { _, client in
            let body = try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")  // RFC 8414 §3.2
                let metadata = try Self.json(response)
                #expect(metadata["issuer"] as? String == Self.issuer)
                #expect(metadata["jwks_uri"] as? String == Self.issuer + "/oauth/jwks.json")
                #expect(metadata["response_types_supported"] as? [String] == ["code"])
                for string in Self.strings(in: metadata) { #expect(!string.hasSuffix("/"), "\(string) ends with a slash") }
                return String(buffer: response.body)
            }
            // Byte-identical: no escaped slashes, no normalisation of the configured string.
            #expect(body.contains(#""issuer":"https://acme.example.com""#))
            #expect(!body.contains(#"\/"#))
            let again = try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { String(buffer: $0.body) }
            #expect(again == body)
        }
    }

    @Test("the JWKS holds the active signer's key, and a token it signs verifies with the published JWK")
    func jwksPublishesActiveKey() async throws {
        try await Self.withApplication { environment, client in
            let signer = try await environment.keyRing.activeSigner(tenantID: Tenant.defaultID)
            try await client.execute(uri: "/oauth/jwks.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                let set = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(response.body.readableBytesView))
                #expect(set.keys.map(\.kid) == [signer.keyID])
                let jwk = try #require(set.keys.first { $0.kid == signer.keyID })
                #expect(jwk.alg == "ES256" && jwk.kty == "EC" && jwk.crv == "P-256")

                let now = Int64(Date().timeIntervalSince1970)
                let claims = AccessTokenClaims(
                    issuer: Self.issuer, subject: "usr_1", audience: Self.resource, clientID: "c", scope: "", issuedAt: now,
                    expiresAt: now + 60, tokenID: "jti", grantID: "grant", tenantID: Tenant.defaultID)
                let parsed = try AccessTokenVerifier.parse(try signer.sign(claims))
                let verifier = AccessTokenVerifier(issuer: Self.issuer, audience: Self.resource, tenantID: Tenant.defaultID)
                #expect(try verifier.verify(parsed, key: try #require(jwk.publicKey)) == claims)
            }
        }
    }

    @Test("after a rotation the JWKS lists the new and the retired key")
    func jwksFollowsRotation() async throws {
        try await Self.withApplication { environment, client in
            let old = try await environment.keyRing.activeSigner(tenantID: Tenant.defaultID).keyID
            let new = try await environment.keyRing.rotate(tenantID: Tenant.defaultID, now: Date().addingTimeInterval(1))
            try await client.execute(uri: "/oauth/jwks.json", method: .get) { response in
                let set = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(response.body.readableBytesView))
                #expect(Set(set.keys.map(\.kid)) == [old, new])
            }
        }
    }

    @Test("GET /healthz answers 200 with status ok")
    func health() async throws {
        try await Self.withApplication { _, client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response)
                #expect(body["status"] as? String == "ok")
                #expect(body["service"] as? String == "auth-server")
            }
        }
    }

    @Test("GET /readyz answers 200 ready while the database answers")
    func readiness() async throws {
        try await Self.withApplication { _, client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            let body = try Self.json(response)
            #expect(body["status"] as? String == "ready" && body["service"] as? String == "auth-server" && body["failing"] == nil)
        }
    }

    @Test("a CORS preflight on the metadata gets Access-Control-Allow-Origin * and the MCP headers, no credentials")
    func corsPreflight() async throws {
        try await Self.withApplication { _, client in
            var headers = HTTPFields()
            headers[.origin] = "https://inspector.example.org"
            headers[.accessControlRequestMethod] = "GET"
            headers[.accessControlRequestHeaders] = "mcp-protocol-version"
            try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .options, headers: headers) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowMethods]?.contains("GET") == true)
                let allowed = response.headers[.accessControlAllowHeaders] ?? ""
                for header in ["Authorization", "Content-Type", "MCP-Protocol-Version"] { #expect(allowed.contains(header)) }
                #expect(response.headers[.accessControlAllowCredentials] == nil)
            }
        }
    }

    @Test("a cross-origin GET gets Access-Control-Allow-Origin * and exposed headers; a same-origin GET gets none")
    func corsOnGet() async throws {
        try await Self.withApplication { _, client in
            var headers = HTTPFields()
            headers[.origin] = "https://inspector.example.org"
            try await client.execute(uri: "/oauth/jwks.json", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlExposeHeaders]?.contains("WWW-Authenticate") == true)
            }
            try await client.execute(uri: "/oauth/jwks.json", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test("an unknown path is 404")
    func unknownPath() async throws {
        try await Self.withApplication { _, client in
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { response in
                #expect(response.status == .notFound)  // no partial OIDC document: one broke ChatGPT (docs/clients.md § ChatGPT)
            }
        }
    }
}
