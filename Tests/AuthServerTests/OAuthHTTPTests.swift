import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import TestSupport
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

    @Test("RFC 8414: metadata names every endpoint built, S256 only, the auth methods and offline_access")
    func metadata() async throws {
        try await HTTP.withApplication { _, client in
            try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { response in
                let metadata = try HTTP.json(response)
                #expect(metadata["authorization_endpoint"] as? String == HTTP.issuer + "/oauth/authorize")
                #expect(metadata["token_endpoint"] as? String == HTTP.issuer + "/oauth/token")
                #expect(metadata["registration_endpoint"] as? String == HTTP.issuer + "/oauth/register")
                #expect(metadata["revocation_endpoint"] as? String == HTTP.issuer + "/oauth/revoke")
                #expect(metadata["device_authorization_endpoint"] as? String == HTTP.issuer + "/oauth/device_authorization")  // RFC 8628 §4
                #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
                #expect(metadata["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token", DeviceCodeGrantType.urn, "client_credentials"])
                #expect(metadata["token_endpoint_auth_methods_supported"] as? [String] == ["none", "private_key_jwt", "client_secret_post", "client_secret_basic"])
                #expect(metadata["client_id_metadata_document_supported"] as? Bool == true)
                #expect(metadata["authorization_response_iss_parameter_supported"] as? Bool == true)
                #expect((metadata["scopes_supported"] as? [String])?.contains("offline_access") == true)
                #expect(metadata["token_endpoint_auth_signing_alg_values_supported"] as? [String] == ClientAssertionAlgorithm.allCases.map(\.rawValue))
                // RFC 8414 §2: a MUST once private_key_jwt is among the revocation endpoint's methods.
                #expect((metadata["revocation_endpoint_auth_methods_supported"] as? [String])?.contains("private_key_jwt") == true)
                #expect(metadata["revocation_endpoint_auth_signing_alg_values_supported"] as? [String] == ClientAssertionAlgorithm.allCases.map(\.rawValue))
            }
            // No partial OpenID document: one broke ChatGPT (docs/clients.md § ChatGPT).
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("RFC 7591: registration honours client_secret_post, accepts no scope, omits unset fields and returns registration_client_uri")
    func registration() async throws {
        try await HTTP.withApplication { environment, client in
            let (status, body) = try await Self.register(
                client, #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"],"response_types":["code"],"client_name":"Claude","logo_uri":null,"client_uri":""}"#)
            #expect(status == .created)
            let clientID = try #require(body["client_id"] as? String)
            #expect(!clientID.hasPrefix("https://"))  // never a metadata-document-shaped id (CIMD draft)
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

    @Test("a byte-identical public registration is folded into one client; a different one is not")
    func folding() async throws {
        try await HTTP.withApplication { _, client in
            let request = #"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none","client_name":"Claude Code (desk)"}"#
            let (_, first) = try await Self.register(client, request)
            let (status, second) = try await Self.register(client, request)
            #expect(status == .created)
            #expect(first["client_id"] as? String == second["client_id"] as? String)
            #expect(second["client_name"] as? String == "Claude Code (desk)")
            let (_, other) = try await Self.register(client, request.replacingOccurrences(of: "desk", with: "other"))
            #expect(other["client_id"] as? String != first["client_id"] as? String)
        }
    }

    @Test("a replayed public registration cannot read, change or delete the client: the fold hands out no registration access token")
    func foldGivesNoControl() async throws {
        try await HTTP.withApplication { environment, client in
            let request = #"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none","client_name":"Claude Code"}"#
            let (_, first) = try await Self.register(client, request)
            let id = try #require(first["client_id"] as? String)
            let token = try #require(first["registration_access_token"] as? String)
            let before = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: id))

            let (_, replayed) = try await Self.register(client, request)
            #expect(replayed["client_id"] as? String == id)
            #expect(replayed["registration_access_token"] == nil && replayed["registration_client_uri"] == nil && replayed["client_secret"] == nil)
            #expect(try await environment.storage.client(tenantID: Tenant.defaultID, id: id) == before, "the stored client did not change")
            // Whatever the replayer tries, without the first registrant's token the client stays.
            for attempt in [nil, "Bearer ", "Bearer \(token.dropLast())"] {
                let headers: HTTPFields = attempt.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: "/oauth/register/\(id)", method: .get, headers: headers) { #expect($0.status == .unauthorized) }
                try await client.execute(uri: "/oauth/register/\(id)", method: .delete, headers: headers) { #expect($0.status == .unauthorized) }
            }
            #expect(try await environment.storage.client(tenantID: Tenant.defaultID, id: id) == before)
            // The first registrant keeps control.
            try await client.execute(uri: "/oauth/register/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
        }
    }

    @Test("a replayed confidential registration makes a new client and leaves the first one's secret and registration token working")
    func confidentialRegistrationsNeverFold() async throws {
        try await HTTP.withApplication { environment, client in
            let request = #"{"redirect_uris":["https://claude.ai/api/mcp/auth_callback"],"token_endpoint_auth_method":"client_secret_post","grant_types":["authorization_code","refresh_token"]}"#
            let (_, first) = try await Self.register(client, request)
            let (_, second) = try await Self.register(client, request)
            let id = try #require(first["client_id"] as? String)
            let secondID = try #require(second["client_id"] as? String)
            #expect(secondID != id)
            let firstSecret = try #require(first["client_secret"] as? String)
            let secondSecret = try #require(second["client_secret"] as? String)
            #expect(try await environment.storage.client(tenantID: Tenant.defaultID, id: id)?.secretHashes.count == 1)
            for (clientID, secret) in [(id, firstSecret), (secondID, secondSecret)] {
                let answer = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(clientID)&client_secret=\(secret)")
                #expect(try HTTP.json(answer)["error"] as? String == "invalid_grant")  // authenticated; only the token is bad
            }
            // Neither secret opens the other client.
            let crossed = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=\(id)&client_secret=\(secondSecret)")
            #expect(try HTTP.json(crossed)["error"] as? String == "invalid_client")
            let token = try #require(first["registration_access_token"] as? String)
            try await client.execute(uri: "/oauth/register/\(id)", method: .get, headers: [.authorization: "Bearer \(token)"]) { #expect($0.status == .ok) }
        }
    }

    @Test("folding is per address: the same request from elsewhere makes a client of its own")
    func foldingPerAddress() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let tenant = Tenant(id: Tenant.defaultID, issuer: HTTP.issuer, resource: HTTP.resource)
        try await storage.saveTenant(tenant)
        let registration = DynamicClientRegistration(storage: storage, logger: Logger(label: "test"))
        let body = Data(#"{"redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}"#.utf8)
        let here = ClientAddress(IPAddress("198.51.100.7")!)
        let mine = try await registration.register(body: body, tenant: tenant, address: here, now: Date())
        let again = try await registration.register(body: body, tenant: tenant, address: here, now: Date())
        let theirs = try await registration.register(body: body, tenant: tenant, address: ClientAddress(IPAddress("203.0.113.9")!), now: Date())
        #expect(again.clientID == mine.clientID)
        #expect(theirs.clientID != mine.clientID)
    }

    @Test("only registrations that create a client count against the per-address limit; folds are free")
    func registrationLimitCountsCreations() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        let tenant = Tenant(id: Tenant.defaultID, issuer: HTTP.issuer, resource: HTTP.resource)
        try await storage.saveTenant(tenant)
        let registration = DynamicClientRegistration(storage: storage, registrationsPerHour: 3, logger: Logger(label: "test"))
        let office = ClientAddress(IPAddress("2001:db8:1:2::10")!)
        let neighbour = ClientAddress(IPAddress("2001:db8:1:2::99")!)  // the same /64
        func body(_ index: Int) -> Data { Data(#"{"redirect_uris":["http://127.0.0.1/cb\#(index)"],"token_endpoint_auth_method":"none"}"#.utf8) }
        let now = Date()
        let first = try await registration.register(body: body(0), tenant: tenant, address: office, now: now)
        for _ in 0..<10 { #expect(try await registration.register(body: body(0), tenant: tenant, address: office, now: now).clientID == first.clientID) }
        _ = try await registration.register(body: body(1), tenant: tenant, address: office, now: now)
        _ = try await registration.register(body: body(2), tenant: tenant, address: neighbour, now: now)
        await #expect(throws: OAuthError.self) { try await registration.register(body: body(3), tenant: tenant, address: office, now: now) }
        // A fold still answers past the limit; another address has its own allowance; an hour later the limit is new.
        #expect(try await registration.register(body: body(1), tenant: tenant, address: office, now: now).clientID != first.clientID)
        _ = try await registration.register(body: body(3), tenant: tenant, address: ClientAddress(IPAddress("198.51.100.7")!), now: now)
        _ = try await registration.register(body: body(4), tenant: tenant, address: office, now: now.addingTimeInterval(3601))
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
        try await HTTP.withApplication(configure: { $0.registrationsPerHour = 5 }) { _, client in
            try await client.execute(uri: "/oauth/register", method: .post, headers: [.contentType: "text/plain"], body: ByteBuffer(string: "{}")) {
                #expect($0.status == .badRequest)
            }
            let huge = #"{"redirect_uris":["https://a.example/cb"],"client_name":""# + String(repeating: "x", count: 20_000) + #""}"#
            let (status, _) = try await Self.register(client, huge)
            #expect(status == .contentTooLarge)
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<5 {
                statuses.append(try await Self.register(client, #"{"redirect_uris":["https://a.example/cb\#(index)"],"token_endpoint_auth_method":"none"}"#).0)
            }
            #expect(statuses == Array(repeating: .created, count: 5))
            try await client.execute(
                uri: "/oauth/register", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"redirect_uris":["https://a.example/cb9"],"token_endpoint_auth_method":"none"}"#)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 3500)
                let body = try HTTP.json(response)
                #expect(body["error"] as? String == "slow_down")
            }
        }
    }

    @Test("ChatGPT's callback prefix works for the pinned ChatGPT document and nobody else: a registration listing it must match exactly")
    func chatGPTPrefixOnlyPinned() async throws {
        try await HTTP.withApplication(configure: { $0.cimdPinnedDirectory = .configured(PinnedDocumentsFolder.shippedPath) }) { _, client in
            func authorize(_ clientID: String, _ redirect: String) async throws -> HTTPResponse.Status {
                let query = Browser.formEncode([
                    ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirect), ("code_challenge", OAuthHouse.challenge),
                    ("code_challenge_method", "S256"),
                ])
                return try await client.execute(uri: "/oauth/authorize?" + query, method: .get) { $0.status }
            }
            let callback = "https://chatgpt.com/connector/oauth/cb_123-abc"
            // Nobody is signed in: a trusted redirect goes on to sign-in (303), an untrusted one is a 400 page.
            #expect(try await authorize("https://chatgpt.com/oauth/client.json", callback) == .seeOther)
            let (_, registered) = try await Self.register(
                client, #"{"redirect_uris":["https://chatgpt.com/connector/oauth/"],"token_endpoint_auth_method":"none"}"#)
            let id = try #require(registered["client_id"] as? String)
            #expect(try await authorize(id, callback) == .badRequest)
            #expect(try await authorize(id, "https://chatgpt.com/connector/oauth/") == .seeOther)
        }
    }

    @Test("RFC 9110 §15.5.6: a method an endpoint does not serve is 405 with Allow, not 404")
    func methodNotAllowed() async throws {
        try await HTTP.withApplication { _, client in
            for (path, method, allow) in [
                ("/oauth/token", HTTPRequest.Method.get, "OPTIONS, POST"), ("/oauth/revoke", .get, "OPTIONS, POST"),
                ("/oauth/register", .get, "OPTIONS, POST"), ("/oauth/register/gh_x", .post, "DELETE, GET, OPTIONS"),
                ("/.well-known/oauth-authorization-server", .post, "GET, OPTIONS"), ("/oauth/jwks.json", .delete, "GET, OPTIONS"),
                ("/oauth/authorize", .post, "GET"), ("/internal/revocations", .post, "GET"), ("/login", .delete, "GET, POST"),
            ] {
                try await client.execute(uri: path, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                }
            }
            try await client.execute(uri: "/oauth/nothing", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test("the token and revocation endpoints answer 429 with Retry-After past the per-address allowance, before reading the request")
    func tokenEndpointRateLimit() async throws {
        try await HTTP.withApplication(configure: { $0.tokenRequestsPerMinute = 3 }) { _, client in
            for _ in 0..<3 {
                let answer = try await Self.form(client, "/oauth/token", "grant_type=refresh_token&refresh_token=x&client_id=nobody")
                #expect(answer.status == .unauthorized || answer.status == .badRequest)
            }
            for path in ["/oauth/token", "/oauth/revoke"] {
                let refused = try await Self.form(client, path, "grant_type=refresh_token&refresh_token=x&client_id=nobody")
                #expect(refused.status == .tooManyRequests)
                #expect((1...60).contains(Int(refused.headers[.retryAfter] ?? "") ?? 0))
                #expect(try HTTP.json(refused)["error"] as? String == "slow_down")
                #expect(refused.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test("request limits: each address and each authenticated client has its own allowance")
    func clientRequestLimits() async throws {
        try await Self.exercise(ClientRequestLimits(requestsPerMinute: 2))
    }

    @Test("request limits on PostgreSQL: two instances count against one allowance, not one each")
    func sharedClientRequestLimits() async throws {
        try await TestPostgres.withDatabase("limits", migrations: [PostgresMigration("limits", PostgresRateLimiter.tables)]) { pool in
            try await Self.exercise(ClientRequestLimits(requestsPerMinute: 2, limiters: .shared(pool)))
            let first = ClientRequestLimits(requestsPerMinute: 2, limiters: .shared(pool))
            let second = ClientRequestLimits(requestsPerMinute: 2, limiters: .shared(pool))
            let address = ClientAddress(IPAddress("192.0.2.44")!)
            let now = Self.midMinute
            try await first.admit(address: address, now: now)
            try await second.admit(address: address, now: now)
            await #expect(throws: OAuthError.self, "the second instance's allowance is the first one's") {
                try await first.admit(address: address, now: now)
            }
            await #expect(throws: OAuthError.self) { try await second.admit(address: address, now: now) }
        }
    }

    /// The middle of a minute, so the windows of in-memory and shared (aligned) limiters both hold a test's requests.
    static var midMinute: Date { Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 + 30) }

    static func exercise(_ limits: ClientRequestLimits) async throws {
        let now = Self.midMinute
        let flooding = ClientAddress(IPAddress("198.51.100.7")!)
        let other = ClientAddress(IPAddress("203.0.113.9")!)
        try await limits.admit(address: flooding, now: now)
        try await limits.admit(address: flooding, now: now)
        await #expect(throws: OAuthError.self) { try await limits.admit(address: flooding, now: now) }
        try await limits.admit(address: other, now: now)
        try await limits.admit(address: flooding, now: now.addingTimeInterval(60))
        func client(_ id: String) -> Client {
            Client(tenantID: "t", id: id, kind: .dynamic, name: id, redirectURIs: [], authMethod: .none, createdAt: now)
        }
        try await limits.admit(client: client("attacker"), now: now)
        try await limits.admit(client: client("attacker"), now: now)
        await #expect(throws: OAuthError.self) { try await limits.admit(client: client("attacker"), now: now) }
        try await limits.admit(client: client("chatgpt"), now: now)
    }

    @Test("the token endpoint takes forms only and answers RFC 6749 JSON errors with no-store")
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
            // Refresh tokens only for clients that registered the grant type (RFC 7591 §2 defaults to the code alone).
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

    @Test("first start writes the resource-server's credentials once (0600) and makes its client and the admin CLI's in the tenant")
    func builtInClients() async throws {
        try await HTTP.withApplication { environment, _ in
            let path = (environment.settings.dataDirectory as NSString).appendingPathComponent(ResourceServerCredentials.fileName)
            #expect(try permissions(of: path) == 0o600)
            let credentials = try #require(try ResourceServerCredentials.read(file: path))
            let stored = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: credentials.clientID))
            #expect(stored.kind == .resourceServer && stored.grantTypes.isEmpty && stored.redirectURIs.isEmpty)
            #expect(stored.secretHashes.count == 1 && !stored.secretHashes[0].contains(credentials.clientSecret))
            let admin = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: AuthPolicy.adminCLIClientID))
            #expect(admin.kind == .firstParty)
            // A restart keeps the same credentials.
            let again = try await AuthServerEnvironment.open(environment.settings, reconcile: true)
            #expect(try ResourceServerCredentials.read(file: path) == credentials)
            #expect(try await again.storage.client(tenantID: Tenant.defaultID, id: credentials.clientID) == stored)
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
