import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// The OAuth endpoints over HTTP, in process: metadata, registration (RFC 7591/7592), token and
/// revocation error handling.
@Suite("OAuth HTTP")
struct OAuthHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static func register(_ client: any TestClientProtocol, _ body: String, address: String? = nil) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: "/oauth/register", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)
        ) { response in (response.status, (try? HTTP.json(response)) ?? [:]) }
    }

    static func form(_ client: any TestClientProtocol, _ path: String, _ body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body)) { $0 }
    }

    @Test("R17-R19, R40, R45: metadata names every endpoint built, S256 only, the auth methods and offline_access")
    func metadata() async throws {
        try await HTTP.withApplication { _, client in
            try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { response in
                let metadata = try HTTP.json(response)
                #expect(metadata["authorization_endpoint"] as? String == HTTP.issuer + "/oauth/authorize")
                #expect(metadata["token_endpoint"] as? String == HTTP.issuer + "/oauth/token")
                #expect(metadata["registration_endpoint"] as? String == HTTP.issuer + "/oauth/register")
                #expect(metadata["revocation_endpoint"] as? String == HTTP.issuer + "/oauth/revoke")
                #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
                #expect(metadata["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token"])
                #expect(metadata["token_endpoint_auth_methods_supported"] as? [String] == ["none", "private_key_jwt", "client_secret_post", "client_secret_basic"])
                #expect(metadata["client_id_metadata_document_supported"] as? Bool == true)
                #expect(metadata["authorization_response_iss_parameter_supported"] as? Bool == true)
                #expect((metadata["scopes_supported"] as? [String])?.contains("offline_access") == true)
                #expect(metadata["token_endpoint_auth_signing_alg_values_supported"] as? [String] == ClientAssertionAlgorithm.allCases.map(\.rawValue))
                // RFC 8414 §2: a MUST once private_key_jwt is among the revocation endpoint's methods.
                #expect((metadata["revocation_endpoint_auth_methods_supported"] as? [String])?.contains("private_key_jwt") == true)
                #expect(metadata["revocation_endpoint_auth_signing_alg_values_supported"] as? [String] == ClientAssertionAlgorithm.allCases.map(\.rawValue))
            }
            // R15: no half-baked OpenID document.
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("R32-R35: registration honours client_secret_post, accepts no scope, omits unset fields and returns registration_client_uri")
    func registration() async throws {
        try await HTTP.withApplication { environment, client in
            let (status, body) = try await Self.register(
                client, #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"],"response_types":["code"],"client_name":"Claude","logo_uri":null,"client_uri":""}"#)
            #expect(status == .created)
            let clientID = try #require(body["client_id"] as? String)
            #expect(!clientID.hasPrefix("https://"))  // R21: never a metadata-document-shaped id
            #expect(body["token_endpoint_auth_method"] as? String == "client_secret_post")
            #expect((body["client_secret"] as? String)?.hasPrefix("gatehouse_cs_") == true)
            #expect(body["client_secret_expires_at"] as? Int == 0)
            #expect(body["registration_client_uri"] as? String == HTTP.issuer + "/oauth/register/" + clientID)
            #expect(body["logo_uri"] == nil && body["client_uri"] == nil && body["scope"] == nil)
            for value in body.values { #expect(!(value is NSNull) && (value as? String) != "") }
            // The secret is stored only as its hash.
            let stored = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: clientID))
            #expect(stored.secretHashes.count == 1 && stored.secretHashes[0] != body["client_secret"] as? String)

            // RFC 7592: read with the registration access token, then delete.
            let token = try #require(body["registration_access_token"] as? String)
            try await client.execute(uri: "/oauth/register/\(clientID)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .ok)
                let read = try HTTP.json(response)
                #expect(read["client_id"] as? String == clientID)
                #expect(read["client_secret"] == nil)
            }
            try await client.execute(uri: "/oauth/register/\(clientID)", method: .get, headers: [.authorization: "Bearer wrong"]) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)  // RFC 7592 §2, RFC 6750 §3.1
            }
            try await client.execute(uri: "/oauth/register/\(clientID)", method: .delete) {
                #expect($0.status == .unauthorized && $0.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(uri: "/oauth/register/\(clientID)", method: .delete, headers: [.authorization: "Bearer \(token)"]) {
                #expect($0.status == .noContent)
            }
            #expect(try await environment.storage.client(tenantID: Tenant.defaultID, id: clientID) == nil)
        }
    }

    @Test("R35/R36: a byte-identical public registration is folded into one client; a different one is not")
    func folding() async throws {
        try await HTTP.withApplication { _, client in
            let request = #"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none","client_name":"Claude Code (desk)"}"#
            let (_, first) = try await Self.register(client, request)
            let (_, second) = try await Self.register(client, request)
            #expect(first["client_id"] as? String == second["client_id"] as? String)
            #expect(first["registration_access_token"] as? String != second["registration_access_token"] as? String)
            let (_, other) = try await Self.register(client, request.replacingOccurrences(of: "desk", with: "other"))
            #expect(other["client_id"] as? String != first["client_id"] as? String)
        }
    }

    @Test("R33/R36: a repeated confidential registration folds into one client whose secrets all work")
    func foldingConfidential() async throws {
        try await HTTP.withApplication { _, client in
            let request = #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"]}"#
            let (_, first) = try await Self.register(client, request)
            let (_, second) = try await Self.register(client, request)
            let id = try #require(first["client_id"] as? String)
            #expect(second["client_id"] as? String == id)
            for registered in [first, second] {
                let secret = try #require(registered["client_secret"] as? String)
                let answer = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(id)&client_secret=\(secret)")
                #expect(try HTTP.json(answer)["error"] as? String == "invalid_grant")  // authenticated; only the token is bad
            }
            let wrong = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(id)&client_secret=gatehouse_cs_wrong")
            #expect(try HTTP.json(wrong)["error"] as? String == "invalid_client")
        }
    }

    @Test("folding is per address: the same request from elsewhere cannot obtain the client's registration access token")
    func foldingPerAddress() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let tenant = Tenant(id: Tenant.defaultID, issuer: HTTP.issuer, resource: HTTP.resource)
        try await storage.saveTenant(tenant)
        let registration = DynamicClientRegistration(storage: storage, logger: Logger(label: "test"))
        let body = Data(#"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}"#.utf8)
        let mine = try await registration.register(body: body, tenant: tenant, address: "198.51.100.7", now: Date())
        let again = try await registration.register(body: body, tenant: tenant, address: "198.51.100.7", now: Date())
        let theirs = try await registration.register(body: body, tenant: tenant, address: "203.0.113.9", now: Date())
        #expect(again.clientID == mine.clientID)
        #expect(theirs.clientID != mine.clientID)
    }

    @Test(
        "registration refuses bad metadata with the RFC 7591 §3.2.2 error",
        arguments: [
            (#"{"redirect_uris":["http://evil.example.com/cb"]}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":[]}"#, "invalid_redirect_uri"),
            (#"{"client_name":"no redirects"}"#, "invalid_redirect_uri"),
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"client_secret_jwt"}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"grant_types":["client_credentials"]}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt"}"#, "invalid_client_metadata"),
            // Found by Deploy/fuzz (registration-request): an https jwks_uri without a host, fragment-bearing or with credentials.
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https:a.example/jwks.json"}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https:///jwks.json"}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://a.example/jwks.json#k"}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"token_endpoint_auth_method":"private_key_jwt","jwks_uri":"https://u:p@a.example/jwks.json"}"#, "invalid_client_metadata"),
            (#"{"redirect_uris":"https://a.example/cb"}"#, "invalid_client_metadata"),
            (#"["not an object"]"#, "invalid_client_metadata"),
            (#"{"redirect_uris":["https://a.example/cb"],"#, "invalid_client_metadata"),
        ]
    )
    func registrationRefusals(body: String, error: String) async throws {
        try await HTTP.withApplication { _, client in
            let (status, answer) = try await Self.register(client, body)
            #expect(status == .badRequest)
            #expect(answer["error"] as? String == error)
        }
    }

    @Test("registration: wrong media type, oversized body, and the per-address limit")
    func registrationLimits() async throws {
        try await HTTP.withApplication { _, client in
            try await client.execute(uri: "/oauth/register", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}")) {
                #expect($0.status == .badRequest)
            }
            let huge = #"{"redirect_uris":["https://a.example/cb"],"client_name":""# + String(repeating: "x", count: 20_000) + #""}"#
            let (status, _) = try await Self.register(client, huge)
            #expect(status == .contentTooLarge)
            var statuses: [HTTPResponse.Status] = []
            for index in 0...AuthPolicy.registrationsPerAddressPerHour {
                statuses.append(try await Self.register(client, #"{"redirect_uris":["https://a.example/cb\#(index)"],"token_endpoint_auth_method":"none"}"#).0)
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(statuses.filter { $0 == .created }.count < statuses.count)
        }
    }

    @Test("R43: the token endpoint takes forms only and answers RFC 6749 JSON errors with no-store")
    func tokenErrors() async throws {
        try await HTTP.withApplication { _, client in
            let json = try await Self.form(client, "/oauth/token", #"{"grant_type":"authorization_code"}"#, headers: [.contentType: "application/json"])
            #expect(json.status == .badRequest)
            #expect(try HTTP.json(json)["error"] as? String == "invalid_request")
            #expect(json.headers[.cacheControl] == "no-store")
            let (_, registered) = try await Self.register(
                client, #"{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none","grant_types":["authorization_code","refresh_token"]}"#)
            let clientID = try #require(registered["client_id"] as? String)
            let unsupported = try await Self.form(client, "/oauth/token", "grant_type=password&client_id=\(clientID)")
            #expect(try HTTP.json(unsupported)["error"] as? String == "unsupported_grant_type")
            let deadCode = try await Self.form(client, "/oauth/token", "grant_type=authorization_code&client_id=\(clientID)&code=x&code_verifier=\(String(repeating: "a", count: 43))")
            #expect(try HTTP.json(deadCode)["error"] as? String == "invalid_grant")
            let deadRefresh = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&client_id=\(clientID)&refresh_token=gatehouse_rt_x")
            #expect(try HTTP.json(deadRefresh)["error"] as? String == "invalid_grant")
            // R45: refresh tokens only for clients that registered the grant type (RFC 7591 §2 defaults to the code alone).
            let (_, codeOnly) = try await Self.register(client, #"{"redirect_uris":["http://127.0.0.1/cb2"],"token_endpoint_auth_method":"none"}"#)
            let codeOnlyID = try #require(codeOnly["client_id"] as? String)
            let refused = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&client_id=\(codeOnlyID)&refresh_token=gatehouse_rt_x")
            #expect(try HTTP.json(refused)["error"] as? String == "unauthorized_client")
            let unknownClient = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&client_id=gh_nobody&refresh_token=x")
            #expect(try HTTP.json(unknownClient)["error"] as? String == "invalid_client")
            let repeated = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&grant_type=authorization_code&client_id=\(clientID)")
            #expect(try HTTP.json(repeated)["error"] as? String == "invalid_request")
        }
    }

    @Test("client authentication: secrets by Basic or post as registered, 401 with a Basic challenge when Basic fails")
    func clientSecrets() async throws {
        try await HTTP.withApplication { _, client in
            let (_, basic) = try await Self.register(client, #"{"redirect_uris":["https://a.example/cb"]}"#)
            let id = try #require(basic["client_id"] as? String)
            let secret = try #require(basic["client_secret"] as? String)
            #expect(basic["token_endpoint_auth_method"] as? String == "client_secret_basic")  // RFC 7591 §2 default
            let good = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
            let ok = try await Self.form(
                client, "/oauth/token", "grant_type=authorization_code&code=x&code_verifier=\(String(repeating: "a", count: 43))", headers: [.authorization: good])
            #expect(try HTTP.json(ok)["error"] as? String == "invalid_grant")  // authenticated; only the token is bad
            let bad = "Basic " + Data("\(id):wrong".utf8).base64EncodedString()
            let refused = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x", headers: [.authorization: bad])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            // The registered method is the only one accepted: the same secret in the body is refused.
            let posted = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(id)&client_secret=\(secret)")
            #expect(try HTTP.json(posted)["error"] as? String == "invalid_client")
            let publicTry = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(id)")
            #expect(try HTTP.json(publicTry)["error"] as? String == "invalid_client")
        }
    }

    @Test("the revocation feed lists ended grants after a position, and refuses a bad position")
    func revocationFeed() async throws {
        try await HTTP.withApplication { environment, client in
            let empty = try await client.execute(uri: "/internal/revocations?after=0", method: .get) { response in
                try JSONDecoder().decode(RevocationFeedPage.self, from: Data(response.body.readableBytesView))
            }
            #expect(empty == RevocationFeedPage(events: [], next: 0))
            let house = try await OAuthHouse.make(environment: environment)
            _ = try await house.exchangeNewCode()
            let grant = try #require(try await environment.storage.activeGrants(tenantID: Tenant.defaultID, userID: house.user.id).first)
            #expect(try await environment.storage.revokeGrant(tenantID: Tenant.defaultID, id: grant.id, reason: "test", at: Date()))
            let page = try await client.execute(uri: "/internal/revocations?after=0", method: .get) { response in
                try JSONDecoder().decode(RevocationFeedPage.self, from: Data(response.body.readableBytesView))
            }
            #expect(page.events.map(\.grant) == [grant.id])
            #expect(page.next == page.events[0].seq)
            let after = try await client.execute(uri: "/internal/revocations?after=\(page.next)", method: .get) { response in
                try JSONDecoder().decode(RevocationFeedPage.self, from: Data(response.body.readableBytesView))
            }
            #expect(after.events.isEmpty)
            for bad in ["-1", "x", "99999999999999999999"] {
                try await client.execute(uri: "/internal/revocations?after=\(bad)", method: .get) { #expect($0.status == .badRequest) }
            }
        }
    }

    @Test("RFC 7009: revocation answers 200 for unknown tokens and refuses unauthenticated clients")
    func revocation() async throws {
        try await HTTP.withApplication { _, client in
            let (_, registered) = try await Self.register(client, #"{"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"none"}"#)
            let id = try #require(registered["client_id"] as? String)
            let unknown = try await Self.form(client, "/oauth/revoke", "token=gatehouse_rt_nothing&client_id=\(id)")
            #expect(unknown.status == .ok)
            let anonymous = try await Self.form(client, "/oauth/revoke", "token=gatehouse_rt_nothing")
            #expect(anonymous.status == .badRequest)
            #expect(try HTTP.json(anonymous)["error"] as? String == "invalid_client")
        }
    }
}
