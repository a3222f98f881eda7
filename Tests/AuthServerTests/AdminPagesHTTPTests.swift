import Foundation
import Synchronization
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// The admin pages through the whole application: only admins see them, every change needs a second factor
/// from the elevation window, and each change does what the command line's does.
@Suite("Admin pages over HTTP")
struct AdminPagesHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    /// A signed-in admin with two-step sign-in, on a clock the test moves, and the means to make codes.
    struct Admin {
        let environment: AuthServerEnvironment
        let client: any TestClientProtocol
        let clock: TestClock
        let browser: Browser
        let user: User
        let totp: TOTP

        /// A code never used before: the clock moves to the next 30-second step first.
        func freshCode() -> String {
            clock.advance(by: Double(TOTP.stepSeconds))
            return totp.code(step: TOTP.step(at: clock.now))
        }

        /// The page's forms' CSRF token.
        func token(_ path: String) async throws -> String { try #require(try await browser.get(path).csrfToken) }

        func post(_ path: String, _ fields: [String: String], code: String? = nil) async throws -> PageResponse {
            var form = fields
            form["csrf_token"] = try await token(path)
            if let code { form["code"] = code }
            return try await browser.post(path, body: Browser.formEncode(form.sorted { $0.key < $1.key }))
        }
    }

    static func withAdmin(
        resourceServer: @escaping ResourceServerAdmin.Transport = { _, _, _, _ in throw CancellationError() }, _ body: @escaping @Sendable (Admin) async throws -> Void
    ) async throws {
        let clock = TestClock()
        try await HTTP.withApplication(
            pages: { environment in
                try await PageServices(storage: environment.storage, keyEncryptionKey: environment.keyEncryptionKey, now: { clock.now }, sleep: { _ in })
            },
            resourceAdmin: { environment in
                ResourceServerAdmin(keyRing: environment.keyRing, elevationWindowSeconds: Elevation.defaultWindowSeconds, transport: resourceServer)
            }
        ) { environment, client in
            let user = try await environment.addPerson(email: "boss@example.com", role: .admin)
            let factor = TOTPSecondFactor(store: environment.storage, keyEncryptionKey: environment.keyEncryptionKey, now: { clock.now })
            let enrolment = try #require(try await factor.beginEnrolment(user))
            _ = try #require(try await factor.confirmEnrolment(user, code: enrolment.totp.code(step: TOTP.step(at: clock.now))))
            let browser = Browser(client: client)
            #expect(try await browser.signIn(email: user.email).location == "/login/second-factor")
            let admin = Admin(environment: environment, client: client, clock: clock, browser: browser, user: user, totp: enrolment.totp)
            let codePage = try await browser.get("/login/second-factor")
            let signedIn = try await browser.post("/login/second-factor", ["csrf_token": try #require(codePage.csrfToken), "code": admin.freshCode()])
            #expect(signedIn.status == .seeOther)
            try await body(admin)
        }
    }

    @Test("only admins see the pages: signed out goes to sign-in, anyone else gets 403, and the navigation shows them to admins only")
    func onlyAdmins() async throws {
        try await HTTP.withApplication { environment, client in
            _ = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            for path in ["/admin", "/admin/people", "/admin/apps", "/admin/people/usr_x"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther && response.location?.hasPrefix("/login") == true, "\(path)")
            }
            _ = try await browser.signIn(email: "tech@example.com")
            for path in ["/admin", "/admin/people", "/admin/apps"] {
                #expect(try await browser.get(path).status == .forbidden, "\(path)")
            }
            let token = try #require(try await browser.get("/account").csrfToken)
            let post = try await browser.post("/admin/people", ["csrf_token": token, "email": "new@example.com", "role": "admin", "password": "long enough password"])
            #expect(post.status == .forbidden)
            #expect(try await environment.storage.user(tenantID: Tenant.defaultID, email: "new@example.com") == nil)
            #expect(!(try await browser.get("/account").body.contains(#"href="/admin""#)))
        }
        try await Self.withAdmin { admin in
            let account = try await admin.browser.get("/account")
            #expect(account.body.contains(#"<a href="/admin">Administration</a>"#))
            let admin = try await admin.browser.get("/admin")
            #expect(admin.location == "/admin/people")
        }
    }

    @Test("a change needs a second factor from the elevation window: without it nothing changes; a right code counts for another window")
    func changesNeedARecentSecondFactor() async throws {
        try await Self.withAdmin { admin in
            let storage = admin.environment.storage
            let add = ["email": "one@example.com", "role": "technician", "password": "correct horse battery"]
            let page = try await admin.browser.get("/admin/people")
            #expect(page.body.contains("changes need no code until") && !page.body.contains(#"name="code""#))
            #expect(try await admin.post("/admin/people", add).body.contains("one@example.com was added"), "fresh from signing in with a code")

            admin.clock.advance(by: Double(Elevation.defaultWindowSeconds + 1))
            #expect(try await admin.browser.get("/admin/people").body.contains(#"name="code""#), "each form asks for a code")
            let second = ["email": "two@example.com", "role": "technician", "password": "correct horse battery"]
            let noCode = try await admin.post("/admin/people", second)
            #expect(noCode.status == .forbidden && noCode.body.contains("Enter the code from your authenticator app"))
            let wrong = try await admin.post("/admin/people", second, code: "000000")
            #expect(wrong.status == .forbidden && wrong.body.contains("That code is not right"))
            let oversized = try await admin.post("/admin/people", second, code: String(repeating: "1", count: 100))
            #expect(oversized.status == .forbidden)
            #expect(try await storage.user(tenantID: Tenant.defaultID, email: "two@example.com") == nil, "nothing changed")

            let right = try await admin.post("/admin/people", second, code: admin.freshCode())
            #expect(right.status == .ok && right.body.contains("two@example.com was added"))
            let third = ["email": "three@example.com", "role": "company", "company": "cust_1", "password": "correct horse battery"]
            #expect(try await admin.post("/admin/people", third).body.contains("three@example.com was added"), "no code for another window")
            #expect(try await storage.user(tenantID: Tenant.defaultID, email: "three@example.com")?.companyID == "cust_1")
        }
    }

    @Test("an admin without two-step sign-in sees the pages but can change nothing")
    func noSecondFactorNoChanges() async throws {
        try await HTTP.withApplication { environment, client in
            _ = try await environment.addPerson(email: "boss@example.com", role: .admin)
            let browser = Browser(client: client)
            _ = try await browser.signIn(email: "boss@example.com")
            let page = try await browser.get("/admin/people")
            #expect(page.status == .ok && page.body.contains("Changes here need two-step sign-in"))
            let post = try await browser.post(
                "/admin/people", ["csrf_token": try #require(page.csrfToken), "email": "x@example.com", "role": "technician", "password": "correct horse battery"])
            #expect(post.status == .forbidden)
            #expect(try await environment.storage.user(tenantID: Tenant.defaultID, email: "x@example.com") == nil)
        }
    }

    @Test("a person's page: role change ends their grants, connect permission, disable and enable, two-step reset; never oneself")
    func personChanges() async throws {
        try await Self.withAdmin { admin in
            let storage = admin.environment.storage
            let person = try await admin.environment.addPerson(email: "tech@example.com")
            let grant = Grant(
                tenantID: Tenant.defaultID, id: "grant_tech", userID: person.id, clientID: AuthPolicy.adminCLIClientID, resource: HTTP.resource,
                scopes: ["tickets:read"], createdAt: admin.clock.now, lastAuthorisedAt: admin.clock.now)
            try await storage.saveGrant(grant)
            let path = "/admin/people/\(person.id)"
            let page = try await admin.browser.get(path)
            #expect(page.status == .ok && page.body.contains("tech@example.com") && page.body.contains("1 apps and tokens"))

            let role = try await admin.post(path, ["action": "role", "role": "company", "company": "cust_9"])
            #expect(role.status == .ok && role.body.contains("is now company"))
            #expect(try await storage.activeGrants(tenantID: Tenant.defaultID, userID: person.id).isEmpty)
            #expect(try await storage.user(tenantID: Tenant.defaultID, id: person.id)?.companyID == "cust_9")
            let bad = try await admin.post(path, ["action": "role", "role": "technician", "company": "cust_9"])
            #expect(bad.status == .badRequest && bad.body.contains("Only company users belong to one company."))

            #expect(try await admin.post(path, ["action": "connect", "may_connect": "off"]).status == .ok)
            #expect(try await storage.user(tenantID: Tenant.defaultID, id: person.id)?.mayConnect == false)
            #expect(try await admin.post(path, ["action": "connect", "may_connect": "maybe"]).status == .badRequest)

            #expect(try await admin.post(path, ["action": "disable"]).body.contains("is disabled"))
            #expect(try await storage.user(tenantID: Tenant.defaultID, id: person.id)?.isDisabled == true)
            #expect(try await admin.post(path, ["action": "disable"]).body.contains("already disabled"))
            #expect(try await admin.post(path, ["action": "enable"]).body.contains("can sign in again"))
            #expect(try await admin.post(path, ["action": "reset-two-step"]).body.contains("has no two-step sign-in to reset"))
            #expect(try await admin.post(path, ["action": "explode"]).status == .badRequest)

            let own = "/admin/people/\(admin.user.id)"
            #expect(try await admin.browser.get(own).body.contains("This is you."))
            let selfDisable = try await admin.post(own, ["action": "disable"])
            #expect(selfDisable.status == .badRequest && selfDisable.body.contains("cannot change your own account"))
            #expect(try await storage.user(tenantID: Tenant.defaultID, id: admin.user.id)?.isDisabled == false)
            #expect(try await admin.browser.get("/admin/people/usr_nobody").status == .notFound)
            #expect(try await admin.post("/admin/people", [:]).status == .badRequest, "no role chosen")
        }
    }

    @Test("a second factor reset from the person's page turns theirs off and ends their elevations")
    func resetTwoStep() async throws {
        try await Self.withAdmin { admin in
            let person = try await admin.environment.addPerson(email: "tech@example.com")
            let factor = TOTPSecondFactor(store: admin.environment.storage, keyEncryptionKey: admin.environment.keyEncryptionKey, now: { admin.clock.now })
            let enrolment = try #require(try await factor.beginEnrolment(person))
            _ = try #require(try await factor.confirmEnrolment(person, code: enrolment.totp.code(step: TOTP.step(at: admin.clock.now))))
            let path = "/admin/people/\(person.id)"
            #expect(try await admin.browser.get(path).body.contains("Reset two-step sign-in"))
            #expect(try await admin.post(path, ["action": "reset-two-step"]).body.contains("Two-step sign-in is off for tech@example.com"))
            #expect(try await !factor.isEnrolled(person))
        }
    }

    @Test("apps: the policy is saved, a pending app someone asked for comes first and is approved, blocking ends its grants, the operator's own cannot be blocked")
    func apps() async throws {
        try await Self.withAdmin { admin in
            let storage = admin.environment.storage
            let (app, _) = try await AppGovernanceHTTPTests.app(admin.environment)
            let asker = try await admin.environment.addPerson(email: "tech@example.com")
            try await storage.recordClientApprovalRequest(tenantID: Tenant.defaultID, id: app.id, userID: asker.id, at: admin.clock.now)

            let page = try await admin.browser.get("/admin/apps")
            #expect(page.status == .ok && page.body.contains("asked for by tech@example.com"))
            let first = try #require(page.body.range(of: "<h3>"))
            #expect(page.body[first.upperBound...].hasPrefix("Reporting"), "the waiting app first")

            let policy = try await admin.post("/admin/apps", ["action": "policy", "app_policy": "approved"])
            #expect(policy.status == .ok && policy.body.contains("the app policy is approved"))
            let governance = try await storage.tenantGovernance(tenantID: Tenant.defaultID)
            #expect(governance.appPolicy == .approved && !governance.companyUsersMayConnect, "the unticked box is a no")
            #expect(try await admin.post("/admin/apps", ["action": "policy", "app_policy": "anything"]).status == .badRequest)

            #expect(try await admin.post("/admin/apps", ["action": "approve", "client_id": app.id]).body.contains("Reporting is approved"))
            #expect(try await storage.client(tenantID: Tenant.defaultID, id: app.id)?.approval.state == .approved)

            try await storage.saveGrant(
                Grant(tenantID: Tenant.defaultID, id: "grant_app", userID: asker.id, clientID: app.id, resource: HTTP.resource, scopes: ["tickets:read"],
                      createdAt: admin.clock.now, lastAuthorisedAt: admin.clock.now))
            #expect(try await admin.post("/admin/apps", ["action": "block", "client_id": app.id]).body.contains("1 connection ended"))
            #expect(try await storage.activeGrants(tenantID: Tenant.defaultID, userID: asker.id).isEmpty)

            let own = try #require(try await storage.clients(tenantID: Tenant.defaultID).first { $0.isOperatorTrusted })
            let refused = try await admin.post("/admin/apps", ["action": "block", "client_id": own.id])
            #expect(refused.status == .badRequest && refused.body.contains("own app; it is changed in the server"))
            #expect(try await admin.post("/admin/apps", ["action": "approve", "client_id": "no-such-app"]).status == .badRequest)

            #expect(try await admin.post("/admin/apps", ["action": "delete", "client_id": app.id]).body.contains("Reporting was deleted"))
            #expect(try await storage.client(tenantID: Tenant.defaultID, id: app.id) == nil)
        }
    }

    @Test("hostile input: markup in names is escaped, forged or oversized forms are refused before anything changes")
    func hostileInput() async throws {
        try await Self.withAdmin { admin in
            let storage = admin.environment.storage
            let sneaky = Client(
                tenantID: Tenant.defaultID, id: "sneaky", kind: .dynamic, name: "<script>alert(1)</script>", redirectURIs: ["https://app.example/cb"],
                authMethod: .none, createdAt: wholeSecond())
            try await storage.saveClient(sneaky)
            let page = try await admin.browser.get("/admin/apps")
            #expect(!page.body.contains("<script>alert(1)</script>") && page.body.contains("&lt;script&gt;"))

            let forged = try await admin.browser.post("/admin/apps", ["csrf_token": "forged", "action": "delete", "client_id": "sneaky"])
            #expect(forged.status == .forbidden)
            let huge = try await admin.browser.post(
                "/admin/apps", body: "csrf_token=\(try await admin.token("/admin/apps"))&action=delete&client_id=sneaky&pad=" + String(repeating: "a", count: 20_000))
            #expect(huge.status == .contentTooLarge)
            let twice = try await admin.browser.post(
                "/admin/apps", body: "csrf_token=\(try await admin.token("/admin/apps"))&action=delete&client_id=sneaky&client_id=other")
            #expect(twice.status == .badRequest)
            #expect(try await storage.client(tenantID: Tenant.defaultID, id: "sneaky") != nil, "still there")

            let markup = try await admin.post("/admin/people", ["email": "<b>x</b>@example.com", "role": "technician", "password": "correct horse battery"])
            #expect(markup.status == .badRequest && !markup.body.contains("<b>x</b>"))
        }
    }

    /// A resource-server's admin API as far as the features page uses it: the switches, and the scopes of the
    /// token each call carried.
    final class FeatureSwitches: Sendable {
        let states = Mutex<[String: Bool]>(Dictionary(uniqueKeysWithValues: ToolModule.allCases.map { ($0.rawValue, true) }))
        let scopes = Mutex<[String: [String]]>([:])

        var transport: ResourceServerAdmin.Transport {
            { method, url, headers, body in
                let token = headers.first { $0.0 == "Authorization" }?.1.dropFirst("Bearer ".count) ?? ""
                let payload = token.split(separator: ".")[1]
                let claims = try JSONSerialization.jsonObject(with: try #require(Base64URL.decode(String(payload)))) as? [String: Any]
                self.scopes.withLock { $0[method] = (claims?["scope"] as? String)?.split(separator: " ").map(String.init) ?? [] }
                #expect(url == "https://acme.example.com/internal/admin/features")
                if method == "PUT", let body {
                    let changes = try JSONDecoder().decode([String: Bool].self, from: body)
                    self.states.withLock { $0.merge(changes) { $1 } }
                }
                return (200, try JSONEncoder().encode(self.states.withLock { $0 }))
            }
        }
    }

    @Test("features: the switches as the resource-server has them; saving sends every module, as the admin with their second factor")
    func features() async throws {
        let switches = FeatureSwitches()
        try await Self.withAdmin(resourceServer: switches.transport) { admin in
            let page = try await admin.browser.get("/admin/features")
            #expect(page.status == .ok && page.body.contains(#"id="module-billing" name="module-billing" type="checkbox" value="on" checked"#))
            #expect(switches.scopes.withLock { $0["GET"] } == ["gatehouse:admin", "mfa"], "fresh from signing in with a code")

            var kept: [String: String] = [:]
            for module in ToolModule.allCases where module != .billing && module != .rules { kept["module-" + module.rawValue] = "on" }
            let saved = try await admin.post("/admin/features", kept)
            #expect(saved.status == .ok && saved.body.contains("Saved: billing, rules switched off"))
            #expect(switches.states.withLock { $0 }.filter { !$0.value }.keys.sorted() == ["billing", "rules"])
            #expect(switches.scopes.withLock { $0["PUT"] }?.contains("mfa") == true)
            #expect(!saved.body.contains(#"name="module-billing" type="checkbox" value="on" checked"#))

            admin.clock.advance(by: Double(Elevation.defaultWindowSeconds + 1))
            let stale = try await admin.post("/admin/features", [:])
            #expect(stale.status == .forbidden && switches.states.withLock { $0 }.values.contains(true), "no code, nothing switched off")
        }
    }

    @Test("features: while the resource-server cannot be reached the page says so, with no form")
    func featuresUnreachable() async throws {
        try await Self.withAdmin { admin in
            let page = try await admin.browser.get("/admin/features")
            #expect(page.status == .serviceUnavailable && page.body.contains("The resource-server cannot be reached"))
            #expect(!page.body.contains("Save features"))
            let post = try await admin.post("/admin/features", ["module-billing": "on"])
            #expect(post.status == .badRequest && post.body.contains("cannot be reached"))
        }
    }
}

/// Service accounts and the activity timelines on the admin pages.
@Suite("Admin pages over HTTP: service accounts and activity")
struct AdminActivityPagesHTTPTests {
    typealias Admin = AdminPagesHTTPTests.Admin

    static func clientCredentials(_ admin: Admin, id: String, secret: String) async throws -> TestResponse {
        try await OAuthHTTPTests.form(
            admin.client, "/oauth/token", "grant_type=client_credentials&resource=\(FormEncoding.encode(AuthServerHTTPTests.resource))",
            headers: [.authorization: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()])
    }

    @Test("a service account made on the page shows its secret once, which the token endpoint takes; a new secret ends the old; revoke ends it")
    func serviceAccounts() async throws {
        try await AdminPagesHTTPTests.withAdmin { admin in
            let made = try await admin.post(
                "/admin/service-accounts", ["action": "create", "name": "PSA sync", "scope-tickets:read": "yes", "scope-rules:run": "yes"])
            #expect(made.status == .ok && made.body.contains("was made as svc_") && made.body.contains("Left out (beyond what it may hold): rules:run"))
            let id = try #require(made.body.firstMatch(of: /id="service-account-id">(svc_[^<]+)</)?.1).description
            let secret = try #require(made.body.firstMatch(of: /id="service-account-secret">([^<]+)</)?.1).description
            #expect(made.body.contains("grant_type=client_credentials"))
            #expect(try await Self.clientCredentials(admin, id: id, secret: secret).status == .ok)
            #expect(!(try await admin.browser.get("/admin/service-accounts").body.contains(secret)), "shown once")

            let rotated = try await admin.post("/admin/service-accounts", ["action": "rotate", "id": id])
            let newSecret = try #require(rotated.body.firstMatch(of: /id="service-account-secret">([^<]+)</)?.1).description
            #expect(newSecret != secret)
            #expect(try await Self.clientCredentials(admin, id: id, secret: secret).status == .unauthorized)
            #expect(try await Self.clientCredentials(admin, id: id, secret: newSecret).status == .ok)

            #expect(try await admin.post("/admin/service-accounts", ["action": "revoke", "id": id]).body.contains("was revoked"))
            #expect(try await Self.clientCredentials(admin, id: id, secret: newSecret).status != .ok)
            #expect(try await admin.post("/admin/service-accounts", ["action": "revoke", "id": id]).status == .badRequest)
            let blank = try await admin.post("/admin/service-accounts", ["action": "create", "name": "  "])
            #expect(blank.status == .badRequest && blank.body.contains("Give the service account a name"))

            let ledger = try await admin.environment.ledger.entries(tenantID: Tenant.defaultID, person: admin.user)
            #expect(ledger.contains { $0.event == "service_account.created" && $0.actorID == admin.user.id })
            #expect(ledger.contains { $0.event == "admin.action" && $0.outcome == "refused" && $0.detail?.contains("Give the service account a name") == true })
            #expect(!ledger.contains { ($0.detail ?? "").contains(secret) || ($0.detail ?? "").contains(newSecret) })
        }
    }

    @Test("a person's page shows their activity from both servers, newest first, linking each grant to its own timeline")
    func timelines() async throws {
        let toolCall = #"{"entries":[{"id":"aud_1","occurred_at":"2030-03-17T17:50:00Z","tool":"get_ticket","subject":"SUBJECT","client_id":"reporting-app","grant_id":"grant_seen","token_kind":"access_token","outcome":"ok","dry_run":false,"duration_ms":3,"ticket_id":"tkt_9"}]}"#
        let asked = Mutex<[String]>([])
        try await AdminPagesHTTPTests.withAdmin(resourceServer: { _, url, _, _ in
            asked.withLock { $0.append(url) }
            let subject = url.contains("subject=") ? String(url.split(separator: "subject=")[1].prefix { $0 != "&" }) : "usr_x"
            return (200, Data(toolCall.replacingOccurrences(of: "SUBJECT", with: subject).utf8))
        }) { admin in
            let person = try await admin.environment.addPerson(email: "tech@example.com")
            let sneaky = Browser(client: admin.client)
            _ = try await sneaky.signIn(email: person.email, password: "not the password")
            _ = try await sneaky.signIn(email: person.email)

            let page = try await admin.browser.get("/admin/people/\(person.id)")
            #expect(page.status == .ok)
            let body = page.body
            #expect(body.contains("<code>sign_in.succeeded</code>") && body.contains("wrong_password") && body.contains("get_ticket, ticket tkt_9"))
            let newest = try #require(body.range(of: "<code>sign_in.succeeded</code>")), older = try #require(body.range(of: "wrong_password"))
            #expect(newest.lowerBound < older.lowerBound, "newest first")
            #expect(body.contains(#"<a href="/admin/grants/grant_seen">"#))
            #expect(asked.withLock { $0 }.contains { $0.contains("/internal/admin/audit?subject=\(person.id)") })

            let grant = Grant(
                tenantID: Tenant.defaultID, id: "grant_seen", userID: person.id, clientID: AuthPolicy.adminCLIClientID, resource: AuthServerHTTPTests.resource,
                scopes: ["tickets:read"], createdAt: admin.clock.now, lastAuthorisedAt: admin.clock.now)
            try await admin.environment.storage.saveGrant(grant)
            let grantPage = try await admin.browser.get("/admin/grants/grant_seen")
            #expect(grantPage.status == .ok && grantPage.body.contains("get_ticket") && grantPage.body.contains(#"<a href="/admin/people/\#(person.id)">tech@example.com</a>"#))
            #expect(try await admin.browser.get("/admin/grants/grant_nope").status == .notFound)
        }
    }

    @Test("with the resource-server unreachable, a timeline shows the sign-in server's side and says what is missing")
    func timelineWithoutToolCalls() async throws {
        try await AdminPagesHTTPTests.withAdmin { admin in
            let page = try await admin.browser.get("/admin/people/\(admin.user.id)")
            #expect(page.status == .ok && page.body.contains("its tool calls are not shown") && page.body.contains("<code>sign_in.succeeded</code>"))
        }
    }
}
