import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Synchronization
import Testing

@testable import AuthServerCore

/// The device flow through the whole application: /oauth/device_authorization, /device and the consent page
/// signed in through the pages, and the token endpoint, as the command line and a person's browser use them.
@Suite("Device flow over HTTP")
struct DeviceFlowHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static func requestDevice(_ client: any TestClientProtocol, _ body: String) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        let response = try await OAuthHTTPTests.form(client, "/oauth/device_authorization", body)
        return (response.status, (try? HTTP.json(response)) ?? [:], response.headers)
    }

    static func poll(_ client: any TestClientProtocol, deviceCode: String, clientID: String = CommandLineClient.id) async throws -> (HTTPResponse.Status, [String: Any]) {
        let body = "grant_type=\(FormEncoding.encode(DeviceCodeGrantType.urn))&device_code=\(deviceCode)&client_id=\(FormEncoding.encode(clientID))"
        let response = try await OAuthHTTPTests.form(client, "/oauth/token", body)
        return (response.status, (try? HTTP.json(response)) ?? [:])
    }

    /// Signs `browser` in as `email` through /device, enters `userCode` and returns the consent page.
    static func enterCode(_ browser: Browser, _ userCode: String, email: String) async throws -> PageResponse {
        let device = "/device?user_code=" + userCode
        let first = try await browser.get(device)
        if first.location?.hasPrefix("/login") == true {
            #expect(first.location == "/login?return_to=" + ReturnPath.queryEncoded(device))
            #expect(try await browser.signIn(email: email, returnTo: device).location == device)
        }
        let page = try await browser.get(device)
        #expect(page.status == .ok)
        let entered = try await browser.post("/device", ["csrf_token": try #require(page.csrfToken), "user_code": userCode])
        #expect(entered.status == .seeOther)
        let consent = try #require(entered.location)
        #expect(consent.hasPrefix("/consent?request="))
        return try await browser.get(consent)
    }

    @Test("the command line's client signs in with no registration: code, /device, consent with the warning, Allow, tokens once")
    func approval() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let (status, answer, headers) = try await Self.requestDevice(
                client, "client_id=gatehouse-cli&scope=tickets%3Aread+offline_access&resource=" + FormEncoding.encode(HTTP.resource))
            #expect(status == .ok)
            #expect(headers[.cacheControl] == "no-store")
            let userCode = try #require(answer["user_code"] as? String)
            let deviceCode = try #require(answer["device_code"] as? String)
            #expect(answer["verification_uri"] as? String == HTTP.issuer + "/device")
            #expect(answer["verification_uri_complete"] as? String == HTTP.issuer + "/device?user_code=" + userCode)
            #expect(answer["expires_in"] as? Int == 600 && answer["interval"] as? Int == 5)

            #expect(try await Self.poll(client, deviceCode: deviceCode).1["error"] as? String == "authorization_pending")

            let browser = Browser(client: client)
            // The form: the prefilled code, capitals on phones, no autocomplete.
            let device = "/device?user_code=" + userCode.lowercased()
            #expect(try await browser.get(device).status == .seeOther)
            try await browser.signIn(email: person.email, returnTo: device)
            let form = try await browser.get(device)
            #expect(form.body.contains(#"name="user_code" type="text" value="\#(userCode)" autocapitalize="characters" autocomplete="off""#))
            #expect(form.body.contains(person.email))

            let consent = try await browser.post("/device", ["csrf_token": try #require(form.csrfToken), "user_code": userCode.lowercased()])
            let page = try await browser.get(try #require(consent.location))
            #expect(page.status == .ok)
            #expect(page.body.contains("Allow Gatehouse command line to use your account?"))
            #expect(page.body.contains("Approving lets a device elsewhere act as you."))
            #expect(page.body.contains("Read tickets and their conversations") && page.body.contains("<code>tickets:read</code>"))
            #expect(!page.body.contains("Sends you back to"))
            #expect(page.body.contains("part of Gatehouse") && !page.body.contains("unverified"))

            let allowed = try await browser.post(
                "/consent", ["csrf_token": try #require(page.csrfToken), "request": try #require(page.hiddenField("request")), "decision": "allow"])
            #expect(allowed.status == .ok)
            #expect(allowed.body.contains("Your device is signed in"))

            // As if the device had polled just now: too soon, and its interval grows.
            try await setLastPoll(environment.storage, deviceCode: deviceCode, secondsAgo: 0)
            #expect(try await Self.poll(client, deviceCode: deviceCode).1["error"] as? String == "slow_down")
            let stored = try #require(try await environment.storage.deviceAuthorization(tenantID: Tenant.defaultID, deviceCodeHash: OpaqueToken.hash(deviceCode)))
            #expect(stored.interval == 10)
            // Polled as if the interval had passed.
            try await setLastPoll(environment.storage, deviceCode: deviceCode, secondsAgo: 10)
            let (tokenStatus, tokens) = try await Self.poll(client, deviceCode: deviceCode)
            #expect(tokenStatus == .ok)
            #expect(tokens["scope"] as? String == "tickets:read offline_access")
            #expect((tokens["refresh_token"] as? String)?.hasPrefix("gatehouse_rt_") == true)
            #expect(tokens["token_type"] as? String == "Bearer")

            // Connected apps name the command line as the person's app.
            let apps = try await browser.get("/account/apps")
            #expect(apps.body.contains("Gatehouse command line"))

            try await setLastPoll(environment.storage, deviceCode: deviceCode, secondsAgo: 10)
            let (againStatus, again) = try await Self.poll(client, deviceCode: deviceCode)
            #expect(againStatus == .badRequest && again["error"] as? String == "invalid_grant")
        }
    }

    @Test("Deny: the device is told access_denied, the person is told what happened")
    func denial() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let (_, answer, _) = try await Self.requestDevice(client, "client_id=gatehouse-cli")
            let browser = Browser(client: client)
            let page = try await Self.enterCode(browser, try #require(answer["user_code"] as? String), email: person.email)
            let denied = try await browser.post(
                "/consent", ["csrf_token": try #require(page.csrfToken), "request": try #require(page.hiddenField("request")), "decision": "deny"])
            #expect(denied.status == .ok && denied.body.contains("Request denied"))
            let (status, body) = try await Self.poll(client, deviceCode: try #require(answer["device_code"] as? String))
            #expect(status == .badRequest && body["error"] as? String == "access_denied")
        }
    }

    @Test("the device authorization endpoint refuses bad requests as the token endpoint does")
    func badDeviceRequests() async throws {
        try await HTTP.withApplication { _, client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("", .badRequest, "invalid_client"),
                ("client_id=gh_unknown", .badRequest, "invalid_client"),
                ("client_id=gatehouse-cli&client_id=gatehouse-cli", .badRequest, "invalid_request"),
                ("client_id=gatehouse-admin-cli", .badRequest, "unauthorized_client"),
                ("client_id=gatehouse-cli&resource=https%3A%2F%2Fother.example.com%2Fmcp", .badRequest, "invalid_target"),
                ("client_id=gatehouse-cli&scope=%22quoted%22", .badRequest, "invalid_scope"),
                ("client_id=gatehouse-cli&scope=a&scope=b", .badRequest, "invalid_request"),
                ("client_id=gatehouse-cli&%ZZ=1", .badRequest, "invalid_request"),
                ("client_id=gatehouse-cli&scope=" + String(repeating: "a", count: AuthPolicy.formBodyLimit), .badRequest, "invalid_request"),
            ]
            for (body, status, error) in cases {
                let (answeredStatus, answer, _) = try await Self.requestDevice(client, body)
                #expect(answeredStatus == status, "\(body.prefix(80))")
                #expect(answer["error"] as? String == error, "\(body.prefix(80))")
                #expect(answer["device_code"] == nil)
            }
            try await client.execute(
                uri: "/oauth/device_authorization", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: #"{"client_id":"gatehouse-cli"}"#)
            ) { response in
                #expect(response.status == .badRequest)
                #expect((try? HTTP.json(response))?["error"] as? String == "invalid_request")
            }
            try await client.execute(uri: "/oauth/device_authorization", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
            }
            // Browsers may call it, as they may the token endpoint.
            try await client.execute(uri: "/oauth/device_authorization", method: .options, headers: [.origin: "http://localhost:6274"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowOrigin] != nil)
            }
        }
    }

    @Test("the token endpoint's device grant refuses unknown, missing and misdirected codes")
    func badPolls() async throws {
        try await HTTP.withApplication { _, client in
            #expect(try await Self.poll(client, deviceCode: "gatehouse_dc_unknown").1["error"] as? String == "invalid_grant")
            #expect(try await Self.poll(client, deviceCode: "").1["error"] as? String == "invalid_request")
            #expect(try await Self.poll(client, deviceCode: "x", clientID: "gatehouse-admin-cli").1["error"] as? String == "unauthorized_client")
            let (_, answer, _) = try await Self.requestDevice(client, "client_id=gatehouse-cli")
            let (status, body) = try await Self.poll(client, deviceCode: try #require(answer["device_code"] as? String), clientID: "gh_unknown")
            #expect(status == .badRequest && body["error"] as? String == "invalid_client")
        }
    }

    @Test("/device: CSRF, a hostile or malformed code, an unknown code, an answered code")
    func devicePageInput() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            #expect(try await browser.post("/device", ["user_code": "BCDF-GHJK"]).location?.hasPrefix("/login") == true)
            try await browser.signIn(email: person.email, returnTo: "/device")
            let token = try #require(try await browser.get("/device").csrfToken)
            #expect(try await browser.post("/device", ["user_code": "BCDF-GHJK"]).status == .forbidden)
            #expect(try await browser.post("/device", ["csrf_token": "forged", "user_code": "BCDF-GHJK"]).status == .forbidden)

            let hostile = try await browser.post("/device", ["csrf_token": token, "user_code": #""><script>alert(1)</script>"#])
            #expect(hostile.status == .ok && hostile.body.contains("That is not a device code"))
            #expect(!hostile.body.contains("<script>alert(1)") && hostile.body.contains("&lt;script&gt;"))
            let huge = try await browser.post("/device", ["csrf_token": token, "user_code": String(repeating: "B", count: 5000)])
            #expect(huge.status == .ok && huge.body.contains("That is not a device code") && !huge.body.contains(String(repeating: "B", count: 100)))
            let unknown = try await browser.post("/device", ["csrf_token": token, "user_code": "BCDF-GHJK"])
            #expect(unknown.status == .ok && unknown.body.contains("That code is not valid, or it has expired"))
            // A prefilled code from the URL that is no code is not shown.
            #expect(try await browser.get("/device?user_code=%3Cb%3E").body.contains(#"name="user_code" type="text" value="""#))

            let (_, answer, _) = try await Self.requestDevice(client, "client_id=gatehouse-cli")
            let userCode = try #require(answer["user_code"] as? String)
            let consent = try await Self.enterCode(browser, userCode, email: person.email)
            _ = try await browser.post(
                "/consent", ["csrf_token": try #require(consent.csrfToken), "request": try #require(consent.hiddenField("request")), "decision": "allow"])
            let answered = try await browser.post("/device", ["csrf_token": token, "user_code": userCode])
            #expect(answered.status == .ok && answered.body.contains("That code has been answered already"))
            // Nor can its consent page be answered a second time.
            let replayed = try await browser.post(
                "/consent", ["csrf_token": token, "request": try #require(consent.hiddenField("request")), "decision": "deny"])
            #expect(replayed.status == .badRequest)
        }
    }

    @Test("wrong codes are throttled per person, apart from their password, and per address (RFC 8628 §5.1)")
    func throttle() async throws {
        let delays = Mutex<[Duration]>([])
        try await HTTP.withApplication(pages: { environment in
            try await PageServices(storage: environment.storage, keyEncryptionKey: environment.keyEncryptionKey, sleep: { delay in delays.withLock { $0.append(delay) } })
        }) { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/device")
            let token = try #require(try await browser.get("/device").csrfToken)
            func enter(_ code: String) async throws -> PageResponse { try await browser.post("/device", ["csrf_token": token, "user_code": code]) }
            for _ in 0..<5 { #expect(try await enter("BCDF-GHJK").status == .ok) }
            #expect(delays.withLock { $0 }.isEmpty)
            for _ in 0..<5 { #expect(try await enter("BCDF-GHJK").status == .ok) }
            #expect(delays.withLock { $0 } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
            // Locked for codes: even a right one is not looked at.
            let (_, answer, _) = try await Self.requestDevice(client, "client_id=gatehouse-cli")
            let refused = try await enter(try #require(answer["user_code"] as? String))
            #expect(refused.status == .tooManyRequests)
            // Locked until the first failure leaves the quarter hour: minutes, not the seconds of an address's spacing.
            #expect((61...900).contains(Int(refused.headers[.retryAfter] ?? "") ?? 0))
            // The person's password sign-in is not locked by it.
            let elsewhere = Browser(client: client)
            #expect(try await elsewhere.signIn(email: person.email).status == .seeOther)
            // Malformed entries are answered without counting.
            #expect(try await enter("not a code").status == .ok)

            // Another person from the same address is counted by the address: past 20 failures they are spaced out.
            let other = try await environment.addPerson(email: "other@example.com")
            let second = Browser(client: client)
            try await second.signIn(email: other.email, returnTo: "/device")
            let otherToken = try #require(try await second.get("/device").csrfToken)
            delays.withLock { $0 = [] }
            for _ in 0..<10 { _ = try await second.post("/device", ["csrf_token": otherToken, "user_code": "BCDF-GHJK"]) }
            #expect(delays.withLock { $0 }.contains(.seconds(1)), "the address's 21st failure waits")
        }
    }

    @Test("a metadata-document client that lists the grant signs in by device too, named by its verified host")
    func metadataDocumentClient() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let id = "https://tools.example.com/gatehouse-terminal.json"
        try Data(
            #"{"client_id":"\#(id)","client_name":"Terminal tools","redirect_uris":["http://127.0.0.1/callback"],"grant_types":["urn:ietf:params:oauth:grant-type:device_code","refresh_token"],"token_endpoint_auth_method":"none"}"#
                .utf8
        ).write(to: URL(fileURLWithPath: folder.file("terminal.json")))
        let codeOnly = "https://tools.example.com/browser-only.json"
        try Data(
            #"{"client_id":"\#(codeOnly)","client_name":"Browser only","redirect_uris":["http://127.0.0.1/callback"],"token_endpoint_auth_method":"none"}"#.utf8
        ).write(to: URL(fileURLWithPath: folder.file("browser-only.json")))
        try await HTTP.withApplication(configure: { $0.cimdPinnedDirectory = .configured(folder.path) }) { environment, client in
            let (status, answer, _) = try await Self.requestDevice(client, "client_id=" + FormEncoding.encode(id))
            #expect(status == .ok)
            let person = try await environment.addPerson(email: "tech@example.com")
            let page = try await Self.enterCode(Browser(client: client), try #require(answer["user_code"] as? String), email: person.email)
            #expect(page.body.contains("Terminal tools") && page.body.contains("from tools.example.com"))
            // A document without the grant is refused it.
            let (refused, body, _) = try await Self.requestDevice(client, "client_id=" + FormEncoding.encode(codeOnly))
            #expect(refused == .badRequest && body["error"] as? String == "unauthorized_client")
        }
    }

    @Test("registration: a public client may register the device grant, alone without redirect URIs; a confidential one may not")
    func registration() async throws {
        try await HTTP.withApplication { environment, client in
            let (status, body) = try await OAuthHTTPTests.register(
                client, #"{"token_endpoint_auth_method":"none","grant_types":["urn:ietf:params:oauth:grant-type:device_code","refresh_token"],"client_name":"A terminal app"}"#)
            #expect(status == .created)
            #expect(body["grant_types"] as? [String] == [DeviceCodeGrantType.urn, "refresh_token"])
            #expect(body["response_types"] as? [String] == [])
            let clientID = try #require(body["client_id"] as? String)
            // It signs in through the device flow like the command line.
            let (answerStatus, answer, _) = try await Self.requestDevice(client, "client_id=" + clientID)
            #expect(answerStatus == .ok)
            let person = try await environment.addPerson(email: "tech@example.com")
            let page = try await Self.enterCode(Browser(client: client), try #require(answer["user_code"] as? String), email: person.email)
            #expect(page.body.contains("A terminal app") && page.body.contains("unverified"))

            for (request, error) in [
                (#"{"token_endpoint_auth_method":"client_secret_basic","grant_types":["urn:ietf:params:oauth:grant-type:device_code"]}"#, "invalid_client_metadata"),
                (#"{"token_endpoint_auth_method":"none","grant_types":["refresh_token"]}"#, "invalid_client_metadata"),
                (#"{"token_endpoint_auth_method":"none","grant_types":["urn:ietf:params:oauth:grant-type:device_code"],"response_types":["code"]}"#, "invalid_client_metadata"),
                (#"{"token_endpoint_auth_method":"none","grant_types":["authorization_code","urn:ietf:params:oauth:grant-type:device_code"]}"#, "invalid_redirect_uri"),
                (#"{"token_endpoint_auth_method":"none","grant_types":["urn:ietf:params:oauth:grant-type:jwt-bearer"]}"#, "invalid_client_metadata"),
            ] {
                let (refused, answer) = try await OAuthHTTPTests.register(client, request)
                #expect(refused == .badRequest, "\(request)")
                #expect(answer["error"] as? String == error, "\(request)")
            }
            // Both flows at once, with a redirect URI.
            let (both, _) = try await OAuthHTTPTests.register(
                client, #"{"token_endpoint_auth_method":"none","redirect_uris":["http://127.0.0.1/callback"],"grant_types":["authorization_code","urn:ietf:params:oauth:grant-type:device_code"]}"#)
            #expect(both == .created)
        }
    }
}

/// Sets when a device last polled, as if it had polled then: the HTTP tests run on the real clock, which a loaded
/// machine moves on unpredictably between two requests.
func setLastPoll(_ storage: any AuthStorage, deviceCode: String, secondsAgo seconds: TimeInterval) async throws {
    let sqlite = try #require(storage as? SQLiteAuthStorage)
    try await sqlite.database.write { db in
        try db.execute(
            sql: "UPDATE device_authorization SET last_polled_at = ? WHERE device_code_hash = ?",
            arguments: [Date().addingTimeInterval(-seconds), OpaqueToken.hash(deviceCode)])
    }
}
