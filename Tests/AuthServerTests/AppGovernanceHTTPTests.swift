import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// Who may connect which apps, through the whole application: the consent step for a person without the
/// permission (browser and device), the `approved` and `closed` app policies, and an admin's approval and block.
@Suite("Who may connect which apps over HTTP")
struct AppGovernanceHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static let redirect = "https://app.example/cb"

    static func query(_ clientID: String, state: String = "s-1") -> String {
        "response_type=code&client_id=\(clientID)&redirect_uri=\(FormEncoding.encode(redirect))&code_challenge=\(OAuthHouse.challenge)"
            + "&code_challenge_method=S256&state=\(state)&resource=\(FormEncoding.encode(HTTP.resource))&scope=tickets%3Aread+offline_access"
    }

    /// A confidential dynamically registered app and its secret, pending as every new one is.
    static func app(_ environment: AuthServerEnvironment, id: String = "reporting-app") async throws -> (Client, String) {
        let secret = ClientSecret.generate()
        let app = Client(
            tenantID: Tenant.defaultID, id: id, kind: .dynamic, name: "Reporting", redirectURIs: [redirect],
            authMethod: .clientSecretBasic, secretHashes: [ClientSecret.hash(secret.value)], createdAt: wholeSecond())
        try await environment.storage.saveClient(app)
        return (app, "Basic " + Data("\(id):\(secret.value)".utf8).base64EncodedString())
    }

    static func setPolicy(_ environment: AuthServerEnvironment, _ policy: AppPolicy, companyUsersMayConnect: Bool = true) async throws {
        try await environment.storage.saveTenantGovernance(
            TenantGovernance(tenantID: Tenant.defaultID, companyUsersMayConnect: companyUsersMayConnect, appPolicy: policy), ledger: nil)
    }

    /// The code flow to the end: tokens for the app.
    static func tokens(_ browser: Browser, _ client: any TestClientProtocol, appID: String, basic: String, email: String) async throws -> [String: Any] {
        let redirect = try await browser.authorize(query(appID), email: email)
        let code = try #require(redirect.queryItems?.first { $0.name == "code" }?.value)
        return try HTTP.json(
            try await OAuthHTTPTests.form(
                client, "/oauth/token",
                "grant_type=authorization_code&code=\(code)&redirect_uri=\(FormEncoding.encode(Self.redirect))&code_verifier=\(OAuthHouse.verifier)"
                    + "&resource=\(FormEncoding.encode(HTTP.resource))", headers: [.authorization: basic]))
    }

    static func refresh(_ client: any TestClientProtocol, _ token: String, basic: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await OAuthHTTPTests.form(
            client, "/oauth/token", "grant_type=refresh_token&refresh_token=\(FormEncoding.encode(token))", headers: [.authorization: basic])
        return (response.status, (try? HTTP.json(response)) ?? [:])
    }

    @Test("without 'may connect apps' the consent step says whom to ask and the app gets access_denied; connected apps keep working")
    func browserRefusal() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            _ = try await environment.addPerson(email: "boss@example.com", role: .admin)
            let (app, basic) = try await Self.app(environment)
            _ = try await ClientDecisions(storage: environment.storage).approve(tenantID: Tenant.defaultID, clientID: app.id)
            let browser = Browser(client: client)
            let before = try await Self.tokens(browser, client, appID: app.id, basic: basic, email: person.email)
            let refreshToken = try #require(before["refresh_token"] as? String)

            #expect(try await environment.storage.setUserMayConnect(tenantID: Tenant.defaultID, userID: person.id, mayConnect: false, ledger: nil))
            let page = try await browser.get("/oauth/authorize?" + Self.query(app.id, state: "xyz"))
            #expect(page.status == .forbidden)
            #expect(page.body.contains("You may not connect apps") && page.body.contains("boss@example.com"))
            #expect(page.body.contains("error=access_denied") && page.body.contains("state=xyz") && page.body.contains("Return to the app"))
            #expect(page.location == nil)
            // The app connected before keeps working until an admin decides.
            let (status, refreshed) = try await Self.refresh(client, refreshToken, basic: basic)
            #expect(status == .ok && refreshed["access_token"] != nil)

            #expect(try await environment.storage.setUserMayConnect(tenantID: Tenant.defaultID, userID: person.id, mayConnect: nil, ledger: nil))
            #expect(try await browser.authorize(Self.query(app.id), email: person.email).queryItems?.contains { $0.name == "code" } == true)

            // Taken away while the consent page was open: Allow answers access_denied.
            let (other, _) = try await Self.app(environment, id: "other-app")
            let consent = try await browser.get(try #require(try await browser.get("/oauth/authorize?" + Self.query(other.id)).location))
            #expect(try await environment.storage.setUserMayConnect(tenantID: Tenant.defaultID, userID: person.id, mayConnect: false, ledger: nil))
            let answered = try await browser.post(
                "/consent", ["csrf_token": try #require(consent.csrfToken), "request": try #require(consent.hiddenField("request")), "decision": "allow"])
            #expect(answered.status == .found && answered.location?.contains("error=access_denied") == true)
            #expect(try await environment.storage.activeGrants(tenantID: Tenant.defaultID, userID: person.id).map(\.clientID) == [app.id])
        }
    }

    @Test("a company user, when the tenant says company users may not connect, is refused at /device and the device gets access_denied")
    func deviceRefusal() async throws {
        try await HTTP.withApplication { environment, client in
            try await Self.setPolicy(environment, .open, companyUsersMayConnect: false)
            let person = User(
                tenantID: Tenant.defaultID, id: "usr_" + RandomIdentifier.make(), email: "client@customer.example", passwordHash: PageTestHouse.passwordHash,
                role: .company, companyID: "cust-1", createdAt: wholeSecond())
            try await environment.storage.insertUser(person)
            let (status, answer, _) = try await DeviceFlowHTTPTests.requestDevice(
                client, "client_id=gatehouse-cli&scope=tickets%3Aread&resource=" + FormEncoding.encode(HTTP.resource))
            #expect(status == .ok)
            let userCode = try #require(answer["user_code"] as? String)
            let deviceCode = try #require(answer["device_code"] as? String)

            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/device")
            let form = try await browser.get("/device")
            let entered = try await browser.post("/device", ["csrf_token": try #require(form.csrfToken), "user_code": userCode])
            #expect(entered.status == .forbidden)
            #expect(entered.body.contains("You may not connect apps") && entered.body.contains("your administrator"))
            #expect(try await DeviceFlowHTTPTests.poll(client, deviceCode: deviceCode).1["error"] as? String == "access_denied")
        }
    }

    @Test("approved: the first request waits and is recorded; once approved the app works; blocking ends its grants and refuses it everywhere")
    func approvedPolicy() async throws {
        try await HTTP.withApplication { environment, client in
            try await Self.setPolicy(environment, .approved)
            let person = try await environment.addPerson(email: "tech@example.com")
            let (app, basic) = try await Self.app(environment)
            let browser = Browser(client: client)
            try await browser.signIn(email: person.email, returnTo: "/account")

            let waiting = try await browser.get("/oauth/authorize?" + Self.query(app.id))
            #expect(waiting.status == .forbidden && waiting.body.contains("waits for approval"))
            let stored = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: app.id))
            #expect(stored.approval.state == .pending && stored.approval.requestedBy == person.id && stored.approval.requestedAt != nil)
            let listed = try await ClientCommands.List.line(stored, storage: environment.storage)
            #expect(listed.hasPrefix("reporting-app\tReporting\tdynamic\t-\tpending (asked by tech@example.com at "))

            #expect(try await ClientDecisions(storage: environment.storage).approve(tenantID: Tenant.defaultID, clientID: app.id))
            let tokens = try await Self.tokens(browser, client, appID: app.id, basic: basic, email: person.email)
            let access = try #require(tokens["access_token"] as? String)
            let refreshToken = try #require(tokens["refresh_token"] as? String)
            let rs = try PersonalAccessTokenHTTPTests.resourceServer(environment)
            #expect(try await PersonalAccessTokenHTTPTests.introspect(client, access, as: rs).1["active"] as? Bool == true)

            let revocationsBefore = try await environment.storage.revocationEvents(tenantID: Tenant.defaultID, after: 0, limit: 100).count
            #expect(try await ClientDecisions(storage: environment.storage).block(tenantID: Tenant.defaultID, clientID: app.id, at: Date()) == 1)
            #expect(try await environment.storage.activeGrants(tenantID: Tenant.defaultID, userID: person.id).isEmpty)
            #expect(try await environment.storage.revocationEvents(tenantID: Tenant.defaultID, after: 0, limit: 100).count > revocationsBefore)
            #expect(try await PersonalAccessTokenHTTPTests.introspect(client, access, as: rs).1["active"] as? Bool == false)
            let (status, refused) = try await Self.refresh(client, refreshToken, basic: basic)
            #expect(status == .badRequest && refused["error"] as? String == "unauthorized_client")
            let blocked = try await browser.get("/oauth/authorize?" + Self.query(app.id))
            #expect(blocked.status == .forbidden && blocked.body.contains("An administrator blocked Reporting"))

            // Blocking holds under every policy, for a first-party client too, at device authorization.
            try await Self.setPolicy(environment, .open)
            #expect(try await browser.get("/oauth/authorize?" + Self.query(app.id)).status == .forbidden)
            #expect(try await ClientDecisions(storage: environment.storage).block(tenantID: Tenant.defaultID, clientID: CommandLineClient.id, at: Date()) == 0)
            let (deviceStatus, deviceAnswer, _) = try await DeviceFlowHTTPTests.requestDevice(
                client, "client_id=gatehouse-cli&scope=tickets%3Aread&resource=" + FormEncoding.encode(HTTP.resource))
            #expect(deviceStatus == .badRequest && deviceAnswer["error"] as? String == "unauthorized_client")

            #expect(try await ClientDecisions(storage: environment.storage).delete(tenantID: Tenant.defaultID, clientID: app.id))
            #expect(try await environment.storage.client(tenantID: Tenant.defaultID, id: app.id) == nil)
            #expect(try await !ClientDecisions(storage: environment.storage).delete(tenantID: Tenant.defaultID, clientID: app.id))
        }
    }

    @Test("closed: a registered app is refused before sign-in and cannot refresh, even approved; the first-party client works")
    func closedPolicy() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let (app, basic) = try await Self.app(environment)
            _ = try await ClientDecisions(storage: environment.storage).approve(tenantID: Tenant.defaultID, clientID: app.id)
            let tokens = try await Self.tokens(Browser(client: client), client, appID: app.id, basic: basic, email: person.email)
            let refreshToken = try #require(tokens["refresh_token"] as? String)

            try await Self.setPolicy(environment, .closed)
            let refused = try await Browser(client: client).get("/oauth/authorize?" + Self.query(app.id))
            #expect(refused.status == .forbidden && refused.body.contains("allows only the apps its administrator set up"))
            #expect(try await Self.refresh(client, refreshToken, basic: basic).1["error"] as? String == "unauthorized_client")
            let (status, _, _) = try await DeviceFlowHTTPTests.requestDevice(
                client, "client_id=gatehouse-cli&scope=tickets%3Aread&resource=" + FormEncoding.encode(HTTP.resource))
            #expect(status == .ok)
        }
    }
}

@Suite("Who may connect which apps")
struct AppGovernanceTests {
    static func client(_ kind: Client.Kind, pinned: Bool = false, state: ClientApproval.State? = nil) -> Client {
        var client = Client(
            tenantID: Tenant.defaultID, id: "https://app.example/client.json", kind: kind, name: "App", redirectURIs: [], authMethod: .none,
            isPinned: pinned, createdAt: wholeSecond())
        if let state { client.approval.state = state }
        return client
    }

    @Test("each policy admits: pinned and first-party from the start, blocked never, pending only when open")
    func admission() {
        let pinned = Self.client(.metadataDocument, pinned: true)
        let firstParty = Self.client(.firstParty)
        let pending = Self.client(.dynamic)
        let approved = Self.client(.metadataDocument, state: .approved)
        let blocked = Self.client(.firstParty, state: .blocked)
        #expect(pinned.approval.state == .approved && firstParty.approval.state == .approved && pending.approval.state == .pending)
        for policy in AppPolicy.allCases {
            #expect(policy.admission(of: pinned) == .admitted && policy.admission(of: firstParty) == .admitted)
            #expect(policy.admission(of: blocked) == .blocked)
        }
        #expect(AppPolicy.open.admission(of: pending) == .admitted)
        #expect(AppPolicy.approved.admission(of: pending) == .awaitingApproval && AppPolicy.approved.admission(of: approved) == .admitted)
        #expect(AppPolicy.closed.admission(of: pending) == .closed && AppPolicy.closed.admission(of: approved) == .closed)
    }

    @Test("admins and technicians may connect by default, company users as the tenant says, anyone as their own setting says")
    func mayConnect() {
        func person(_ role: Role, _ own: Bool? = nil) -> User {
            User(tenantID: Tenant.defaultID, id: "usr_1", email: "p@example.com", passwordHash: "", role: role, companyID: nil, createdAt: wholeSecond(), mayConnect: own)
        }
        let open = TenantGovernance(tenantID: Tenant.defaultID)
        let strict = TenantGovernance(tenantID: Tenant.defaultID, companyUsersMayConnect: false)
        #expect(open.mayConnect(person(.admin)) && open.mayConnect(person(.technician)) && open.mayConnect(person(.company)))
        #expect(strict.mayConnect(person(.admin)) && strict.mayConnect(person(.technician)) && !strict.mayConnect(person(.company)))
        #expect(!open.mayConnect(person(.admin, false)) && strict.mayConnect(person(.company, true)))
    }

    @Test("tenant show prints the settings admin tenant set changes")
    func describe() {
        #expect(TenantGovernance(tenantID: "t").summary == "app-policy: open\ncompany-users-may-connect: on")
        #expect(
            TenantGovernance(tenantID: "t", companyUsersMayConnect: false, appPolicy: .approved).summary
                == "app-policy: approved\ncompany-users-may-connect: off")
    }
}

extension AppGovernanceTests {
    @Test("a metadata document fetched again keeps the admin's decision on its client")
    func documentKeepsDecision() async throws {
        try await SQLiteAuthStorageTests.withStorage { storage, _ in
            let tenant = Tenant(id: "t", issuer: "https://t.example", resource: "https://t.example/mcp")
            try await storage.saveTenant(tenant)
            var document = Self.client(.metadataDocument)
            document.tenantID = tenant.id
            let directory = ClientDirectory(storage: storage, documents: OAuthHouse.PinnedDocument(pinned: document))
            #expect(try await directory.client(id: document.id, tenantID: tenant.id, address: nil, now: Date()).approval.state == .pending)
            _ = try await ClientDecisions(storage: storage).block(tenantID: tenant.id, clientID: document.id, at: Date())
            #expect(try await directory.client(id: document.id, tenantID: tenant.id, address: nil, now: Date()).approval.state == .blocked)
            #expect(try await storage.client(tenantID: tenant.id, id: document.id)?.approval.state == .blocked)
        }
    }
}
