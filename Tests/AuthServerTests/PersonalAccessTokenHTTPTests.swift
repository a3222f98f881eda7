import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Shared
import Testing

@testable import AuthServerCore

/// Personal access tokens through the whole application: /account/tokens, /oauth/revoke without a client,
/// /oauth/introspect for the resource-server and for other clients, and disabling a person.
@Suite("Personal access tokens over HTTP")
struct PersonalAccessTokenHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    /// The value shown once on the page after making or regenerating a token.
    static func shownValue(_ page: PageResponse) -> String? {
        guard let range = page.body.range(of: #"<code id="new-token-value">[^<]*</code>"#, options: .regularExpression) else { return nil }
        return String(page.body[range].dropFirst(#"<code id="new-token-value">"#.count).dropLast("</code>".count))
    }

    static func makeToken(
        _ browser: Browser, label: String = "nightly report", scopes: [String] = ["tickets:read"], days: String = "30", company: String? = nil
    ) async throws -> (PageResponse, String?) {
        let form = try await browser.get("/account/tokens")
        var fields = [("csrf_token", try #require(form.csrfToken)), ("label", label), ("expires_in_days", days)]
        fields += scopes.map { ("scope-\($0)", "yes") }
        if let company { fields.append(("company", company)) }
        let made = try await browser.post("/account/tokens", body: Browser.formEncode(fields))
        return (made, shownValue(made))
    }

    static func introspect(_ client: any TestClientProtocol, _ token: String, as authorization: String?, extra: String = "") async throws -> (HTTPResponse.Status, [String: Any]) {
        var headers = HTTPFields()
        if let authorization { headers[.authorization] = authorization }
        let response = try await OAuthHTTPTests.form(client, "/oauth/introspect", "token=" + FormEncoding.encode(token) + extra, headers: headers)
        return (response.status, try HTTP.json(response))
    }

    static func resourceServer(_ environment: AuthServerEnvironment) throws -> String {
        try BuiltInClients.resourceServerCredentials(dataDirectory: environment.settings.dataDirectory).authorization
    }

    @Test("Made on the page: shown once with ready lines, stored only as its hash, narrowed to the role, never mfa, within the maximum")
    func makeOnThePage() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            let anonymous = try await browser.get("/account/tokens")
            #expect(anonymous.status == .seeOther && anonymous.location == "/login?return_to=/account/tokens")
            for form in ["/account/tokens", "/account/tokens/regenerate", "/account/tokens/revoke", "/account/tokens/elevate"] {
                #expect(try await browser.post(form, ["id": "pat_x"]).location?.hasPrefix("/login") == true, "\(form)")
            }
            try await browser.signIn(email: person.email, returnTo: "/account/tokens")
            let empty = try await browser.get("/account/tokens")
            #expect(empty.status == .ok && empty.body.contains("no access tokens"))
            #expect(!empty.body.contains(#"value="never""#) && !empty.body.contains("scope-mfa") && !empty.body.contains("scope-rules:run"))
            #expect(empty.body.contains(#"id="days-365""#) && !empty.body.contains(#"id="days-0""#))

            let (made, shown) = try await Self.makeToken(browser, scopes: ["tickets:read", "rules:run", "mfa"])
            let value = try #require(shown)
            #expect(made.status == .ok)
            #expect(PersonalAccessToken(parsing: value) != nil)
            #expect(made.body.contains("Copy it now"))
            #expect(made.body.contains("curl \(HTTP.resource) -H &#39;Authorization: Bearer \(value)&#39;") || made.body.contains("Bearer \(value)"))
            #expect(made.body.contains("mcp-remote \(HTTP.resource)"))
            #expect(made.body.contains("GATEHOUSE_TOKEN=\(value) gatehouse call whoami"))
            PageProtectionTests.assertSecurityHeaders(made, "a made token")

            let listed = try await browser.get("/account/tokens")
            #expect(listed.body.contains("nightly report") && !listed.body.contains(value), "the value is shown once only")
            let stored = try await environment.storage.personalAccessTokens(tenantID: Tenant.defaultID, userID: person.id)
            #expect(stored.count == 1 && stored[0].scopes == ["tickets:read"])
            #expect(stored[0].tokenHash == OpaqueToken.hash(value))
            let database = try Data(contentsOf: URL(fileURLWithPath: environment.settings.dataDirectory + "/auth.sqlite"))
            #expect(database.range(of: Data(value.utf8)) == nil, "the value never reaches the database")

            // It is a grant like any other: connected apps list it, marked.
            let apps = try await browser.get("/account/apps")
            #expect(apps.body.contains("Personal access token: nightly report") && apps.body.contains("personal access token</span>"))

            let token = try #require(listed.csrfToken)
            for (fields, problem) in [
                ([("label", ""), ("expires_in_days", "30")], "Give the token a label"),
                ([("label", "two\nlines"), ("expires_in_days", "30")], "on one line"),
                ([("label", String(repeating: "x", count: 101)), ("expires_in_days", "30")], "at most 100 characters"),
                ([("label", "x"), ("expires_in_days", "366")], "at most 365 days"),
                ([("label", "x"), ("expires_in_days", "-1")], "Choose when the token expires"),
                ([("label", "x"), ("expires_in_days", "soon")], "Choose when the token expires"),
                ([("label", "x")], "Choose when the token expires"),
                ([("label", "x"), ("expires_on", "2020-01-01")], "in the future"),
                ([("label", "x"), ("expires_on", "tomorrow")], "Choose when the token expires"),
                ([("label", "x"), ("expires_in_days", "30"), ("company", "<script>")], "not a company id"),
            ] {
                let refused = try await browser.post("/account/tokens", body: Browser.formEncode([("csrf_token", token)] + fields))
                #expect(refused.status == .badRequest, "\(fields)")
                #expect(refused.body.contains(problem), "\(fields): \(problem)")
                #expect(Self.shownValue(refused) == nil)
            }
            #expect(try await browser.post("/account/tokens", body: Browser.formEncode([("label", "x"), ("expires_in_days", "30")])).status == .forbidden)
            #expect(try await environment.storage.personalAccessTokens(tenantID: Tenant.defaultID, userID: person.id).count == 1)
        }
    }

    @Test("Regenerate keeps label, scopes and restriction and ends the old value at once; revoke ends it; only the owner regenerates")
    func regenerateAndRevoke() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            _ = try await environment.addPerson(email: "admin@example.com", role: .admin)
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/account/tokens")
            let (_, shown) = try await Self.makeToken(browser, scopes: ["tickets:read", "assets:read"], company: "cust-42")
            let old = try #require(shown)
            let rs = try Self.resourceServer(environment)
            let (_, before) = try await Self.introspect(client, old, as: rs)
            #expect(before["active"] as? Bool == true && before["role"] as? String == "company" && before["company"] as? String == "cust-42")
            #expect(before["scope"] as? String == "tickets:read assets:read" && before["token_kind"] as? String == "pat")
            let id = try #require(before["jti"] as? String)

            let page = try await browser.get("/account/tokens")
            let regenerated = try await browser.post("/account/tokens/regenerate", ["csrf_token": try #require(page.csrfToken), "id": id])
            let new = try #require(Self.shownValue(regenerated))
            #expect(new != old)
            #expect(try await Self.introspect(client, old, as: rs).1.count == 1, "the old value is inactive and nothing else is said")
            let (_, after) = try await Self.introspect(client, new, as: rs)
            #expect(after["scope"] as? String == "tickets:read assets:read" && after["company"] as? String == "cust-42")
            let newID = try #require(after["jti"] as? String)
            let renamed = try await environment.storage.personalAccessToken(tenantID: Tenant.defaultID, id: newID)
            #expect(renamed?.label == "nightly report")

            // An admin sees the token and may revoke it, but may not regenerate someone else's (the value would act as them).
            let admin = Browser(client: client)
            try await admin.signIn(email: "admin@example.com", returnTo: "/account/tokens")
            let adminPage = try await admin.get("/account/tokens")
            #expect(adminPage.body.contains("tech@example.com") && adminPage.body.contains(newID))
            let refused = try await admin.post("/account/tokens/regenerate", ["csrf_token": try #require(adminPage.csrfToken), "id": newID])
            #expect(Self.shownValue(refused) == nil && refused.body.contains("not yours to regenerate"))
            let revoked = try await admin.post("/account/tokens/revoke", ["csrf_token": try #require(adminPage.csrfToken), "id": newID])
            #expect(revoked.body.contains("was revoked"))
            #expect(try await Self.introspect(client, new, as: rs).1["active"] as? Bool == false)
        }
    }

    @Test("RFC 7009: /oauth/revoke ends a PAT with no client authentication, and answers 200 for unknown ones alike")
    func revokeWithoutClient() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/account/tokens")
            let value = try #require(try await Self.makeToken(browser).1)
            let rs = try Self.resourceServer(environment)
            for token in [PersonalAccessToken.generate().value, value, value] {
                let response = try await OAuthHTTPTests.form(client, "/oauth/revoke", "token=" + token)
                #expect(response.status == .ok && response.body.readableBytes == 0)
            }
            #expect(try await Self.introspect(client, value, as: rs).1["active"] as? Bool == false)
            #expect(try await environment.storage.personalAccessTokens(tenantID: Tenant.defaultID, userID: person.id).isEmpty)
            let events = try await environment.storage.revocationEvents(tenantID: Tenant.defaultID, after: 0, limit: 10)
            #expect(events.count == 1)
        }
    }

    @Test("RFC 7662: introspection answers every token kind to the resource-server, only its own to another client, nothing to anyone else")
    func introspection() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/account/tokens")
            let pat = try #require(try await Self.makeToken(browser).1)
            let rs = try Self.resourceServer(environment)

            // An access token and a refresh token from a confidential client's code flow.
            let secret = ClientSecret.generate()
            let app = Client(
                tenantID: Tenant.defaultID, id: "confidential-app", kind: .dynamic, name: "Reporting", redirectURIs: ["https://app.example/cb"],
                authMethod: .clientSecretBasic, secretHashes: [ClientSecret.hash(secret.value)], createdAt: wholeSecond())
            try await environment.storage.saveClient(app)
            let other = ClientSecret.generate()
            try await environment.storage.saveClient(
                Client(
                    tenantID: Tenant.defaultID, id: "other-app", kind: .dynamic, name: "Other", redirectURIs: ["https://other.example/cb"],
                    authMethod: .clientSecretBasic, secretHashes: [ClientSecret.hash(other.value)], createdAt: wholeSecond()))
            let basic = { (id: String, secret: String) in "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString() }
            let verifier = OAuthHouse.verifier
            let redirect = try await browser.authorize(
                "response_type=code&client_id=confidential-app&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_challenge=\(OAuthHouse.challenge)"
                    + "&code_challenge_method=S256&resource=\(FormEncoding.encode(HTTP.resource))&scope=tickets%3Aread", email: person.email)
            let code = try #require(redirect.queryItems?.first { $0.name == "code" }?.value)
            let tokens = try HTTP.json(
                try await OAuthHTTPTests.form(
                    client, "/oauth/token",
                    "grant_type=authorization_code&code=\(code)&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=\(verifier)"
                        + "&resource=\(FormEncoding.encode(HTTP.resource))", headers: [HTTPField.Name.authorization: basic("confidential-app", secret.value)]))
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)

            for (token, kind) in [(pat, "pat"), (access, "access_token"), (refresh, "refresh_token")] {
                let (status, answer) = try await Self.introspect(client, token, as: rs)
                #expect(status == .ok && answer["active"] as? Bool == true && answer["token_kind"] as? String == kind, "\(kind)")
                #expect(answer["sub"] as? String == person.id && answer["aud"] as? String == HTTP.resource, "\(kind)")
            }
            // Another client learns about its own tokens only.
            #expect(try await Self.introspect(client, access, as: basic("confidential-app", secret.value)).1["active"] as? Bool == true)
            for token in [access, pat, refresh] {
                #expect(try await Self.introspect(client, token, as: basic("other-app", other.value)).1 as NSDictionary == ["active": false])
            }
            // Nothing for the unknown, the malformed, the hostile.
            for token in ["", "nonsense", PersonalAccessToken.generate().value, String(repeating: "A", count: 10_000), access + "x", "' OR 1=1 --"] {
                let (status, answer) = try await Self.introspect(client, token, as: rs)
                #expect((status == .ok && answer as NSDictionary == ["active": false]) || status == .badRequest, "\(token.prefix(20))")
            }
            // Callers that are not confidential clients get invalid_client.
            for authorization in [nil, basic("confidential-app", "wrong"), basic("gatehouse-cli", "")] {
                let (status, answer) = try await Self.introspect(client, pat, as: authorization)
                #expect(status == .unauthorized && answer["error"] as? String == "invalid_client", "\(authorization ?? "none")")
            }
            // Revoked: the grant ends, and every token of it is inactive.
            let grant = try #require(try await Self.introspect(client, access, as: rs).1["sid"] as? String)
            _ = try await environment.storage.revokeGrant(tenantID: Tenant.defaultID, id: grant, reason: "test", at: Date())
            for token in [access, refresh] { #expect(try await Self.introspect(client, token, as: rs).1["active"] as? Bool == false) }
            let metadata = try HTTP.json(try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { $0 })
            #expect(metadata["introspection_endpoint"] as? String == HTTP.issuer + "/oauth/introspect")
            #expect((metadata["introspection_endpoint_auth_methods_supported"] as? [String])?.contains("none") == false)
        }
    }

    @Test("A PAT of another tenant, an expired one and one whose owner is disabled are inactive; last use is kept at most once a minute")
    func lifetimeAndLastUse() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let tenant = try await environment.tenant(id: Tenant.defaultID)
            let service = PersonalAccessTokens(storage: environment.storage, maxDays: 365, elevationWindowSeconds: 900, logger: .init(label: "test"))
            let now = wholeSecond()
            let made = try await service.create(
                for: person, tenant: tenant, .init(label: "ci", scopes: ["tickets:read"], expiresAt: now.addingTimeInterval(86_400), companyID: nil), now: now)
            let endpoint = TokenIntrospection(storage: environment.storage, keyRing: environment.keyRing, personalAccessTokens: service)
            let rs = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: ResourceServerCredentials.defaultClientID))
            func answer(at time: Date, address: String? = "203.0.113.9", tenant: Tenant = tenant) async throws -> IntrospectionAnswer {
                try await endpoint.introspect(made.value.value, for: rs, tenant: tenant, callerAddress: address, now: time)
            }
            #expect(try await answer(at: now).active)
            #expect(try await environment.storage.personalAccessToken(tenantID: tenant.id, id: made.token.id)?.lastUsedAddress == "203.0.113.9")
            #expect(try await answer(at: now.addingTimeInterval(30), address: "198.51.100.1").active)
            #expect(try await environment.storage.personalAccessToken(tenantID: tenant.id, id: made.token.id)?.lastUsedAddress == "203.0.113.9")
            #expect(try await answer(at: now.addingTimeInterval(61), address: "198.51.100.1").active)
            let used = try await environment.storage.personalAccessToken(tenantID: tenant.id, id: made.token.id)
            #expect(used?.lastUsedAddress == "198.51.100.1" && used?.lastUsedAt == now.addingTimeInterval(61))
            #expect(try await answer(at: now.addingTimeInterval(86_400)) == .inactive, "expired")
            let foreign = Tenant(id: "other", issuer: "https://other.example.com", resource: "https://other.example.com/mcp")
            try await environment.storage.saveTenant(foreign)
            #expect(try await answer(at: now, tenant: foreign) == .inactive, "another tenant's")

            #expect(try await environment.storage.setUserDisabled(tenantID: tenant.id, userID: person.id, at: now, ledger: nil))
            #expect(try await answer(at: now) == .inactive, "the owner is disabled")
        }
    }

    @Test("Disabling a person ends their sessions, grants and tokens and says so at sign-in; enabling lets them in again")
    func disablePerson() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/account/tokens")
            let value = try #require(try await Self.makeToken(browser).1)
            #expect(try await environment.storage.setUserDisabled(tenantID: Tenant.defaultID, userID: person.id, at: Date(), ledger: nil))
            #expect(try await !environment.storage.setUserDisabled(tenantID: Tenant.defaultID, userID: person.id, at: Date(), ledger: nil), "already disabled")
            #expect(try await browser.get("/account/tokens").location?.hasPrefix("/login") == true, "the session ended")
            #expect(try await Self.introspect(client, value, as: try Self.resourceServer(environment)).1["active"] as? Bool == false)
            #expect(try await environment.storage.activeGrants(tenantID: Tenant.defaultID, userID: person.id).isEmpty)
            let kinds = try await environment.storage.revocationEvents(tenantID: Tenant.defaultID, after: 0, limit: 10)
            #expect(kinds.count >= 1)
            let refused = try await browser.signIn(email: person.email, returnTo: "/account")
            #expect(refused.status == .forbidden && refused.body.contains("disabled by an administrator"))
            let wrong = try await browser.signIn(email: person.email, password: "not the password", returnTo: "/account")
            #expect(!wrong.body.contains("disabled"), "only someone who knows the password learns it is disabled")

            #expect(try await environment.storage.setUserDisabled(tenantID: Tenant.defaultID, userID: person.id, at: nil, ledger: nil))
            let back = try await browser.signIn(email: person.email, returnTo: "/account")
            #expect(back.status == .seeOther && back.location == "/account")
            #expect(try await Self.introspect(client, value, as: try Self.resourceServer(environment)).1["active"] as? Bool == false, "nothing comes back")
        }
    }
}
