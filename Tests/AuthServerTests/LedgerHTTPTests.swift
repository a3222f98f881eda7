import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// The audit ledger (docs/security.md § The audit ledger) through the real flows: each event with the right fields,
/// one grant's timeline in order, retention, and never a secret or a password in an entry.
@Suite("The audit ledger")
struct LedgerHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static func entries(_ environment: AuthServerEnvironment, _ filter: LedgerFilter = LedgerFilter()) async throws -> [LedgerEntry] {
        try await environment.storage.ledgerEntries(tenantID: Tenant.defaultID, matching: filter, limit: 1000).reversed()
    }

    struct SignInCase: Sendable, CustomTestStringConvertible {
        let email: String
        let password: String
        let disabled: Bool
        let event: LedgerEvent
        let outcome: String
        let knownPerson: Bool

        var testDescription: String { "\(event.rawValue) \(outcome)" }
    }

    static let signIns: [SignInCase] = [
        SignInCase(email: "tech@example.com", password: PageTestHouse.password, disabled: false, event: .signInSucceeded, outcome: "ok", knownPerson: true),
        SignInCase(email: "Tech@Example.com", password: "wrong password!", disabled: false, event: .signInFailed, outcome: "wrong_password", knownPerson: true),
        SignInCase(email: "Nobody@Example.com", password: PageTestHouse.password, disabled: false, event: .signInFailed, outcome: "unknown_person", knownPerson: false),
        SignInCase(email: "tech@example.com", password: PageTestHouse.password, disabled: true, event: .signInFailed, outcome: "disabled", knownPerson: true),
    ]

    @Test("a sign-in leaves one entry: who, the email tried (an unknown one too), the outcome, the address", arguments: signIns)
    func signIn(_ attempt: SignInCase) async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            if attempt.disabled { #expect(try await environment.storage.setUserDisabled(tenantID: Tenant.defaultID, userID: person.id, at: Date(), ledger: nil)) }
            let before = try await Self.entries(environment).count
            _ = try await Browser(client: client).signIn(email: attempt.email, password: attempt.password)
            let entries = try await Self.entries(environment).dropFirst(before).filter { $0.event.hasPrefix("sign_in.") }
            #expect(entries.count == 1)
            let entry = try #require(entries.first)
            #expect(entry.event == attempt.event.rawValue && entry.outcome == attempt.outcome)
            #expect(entry.actorEmail == attempt.email.lowercased())
            #expect(entry.actorID == (attempt.knownPerson ? person.id : nil))
            #expect(!entry.jsonLine.contains(attempt.password))
        }
    }

    @Test("a sign-in with a second factor: a wrong code, then the right one, then turning it off on the page, each recorded")
    func secondFactorSignIn() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, _) = try await house.enrolSecondFactor()
            #expect(try await browser.signIn().location == "/login/second-factor")
            let page = try await browser.get("/login/second-factor")
            _ = try await browser.post("/login/second-factor", ["csrf_token": try #require(page.csrfToken), "code": "000000"])
            _ = try await browser.post("/login/second-factor", ["csrf_token": try #require(page.csrfToken), "code": house.code(totp)])
            house.clock.advance(by: 30)
            let token = try #require(try await browser.get("/account/security").csrfToken)
            _ = try await browser.post("/account/security/two-step/off", ["csrf_token": token, "code": house.code(totp)])
            let entries = try await house.storage.ledgerEntries(tenantID: house.tenant.id, matching: LedgerFilter(personID: house.user.id), limit: 50)
            #expect(entries.reversed().map { "\($0.event) \($0.outcome)" } == [
                "second_factor.enabled ok", "sign_in.failed wrong_code", "sign_in.succeeded ok", "second_factor.disabled ok",
            ])
            #expect(entries.first { $0.event == "sign_in.succeeded" }?.detail == "password and otp")
            #expect(entries.allSatisfy { !$0.jsonLine.contains(PageTestHouse.password) })
        }
    }

    @Test("throttled sign-ins are recorded as such")
    func throttled() async throws {
        let pages: @Sendable (AuthServerEnvironment) async throws -> PageServices = { environment in
            try await PageServices(storage: environment.storage, keyEncryptionKey: environment.keyEncryptionKey, sleep: { _ in })
        }
        try await HTTP.withApplication(pages: pages) { environment, client in
            _ = try await environment.addPerson(email: "tech@example.com")
            let browser = Browser(client: client)
            for _ in 0..<12 { _ = try await browser.signIn(email: "tech@example.com", password: "wrong password!") }
            let outcomes = try await Self.entries(environment).filter { $0.event == LedgerEvent.signInFailed.rawValue }.map(\.outcome)
            #expect(outcomes.contains("throttled") && outcomes.contains("wrong_password"))
        }
    }

    @Test("one grant's timeline: consent (with the sign-in it rested on), each refresh, then its revocation by the client, in order")
    func grantTimeline() async throws {
        try await HTTP.withApplication { environment, client in
            let person = try await environment.addPerson(email: "tech@example.com")
            let (app, basic) = try await AppGovernanceHTTPTests.app(environment)
            _ = try await ClientDecisions(storage: environment.storage).approve(tenantID: Tenant.defaultID, clientID: app.id)
            let tokens = try await AppGovernanceHTTPTests.tokens(Browser(client: client), client, appID: app.id, basic: basic, email: person.email)
            var refreshToken = try #require(tokens["refresh_token"] as? String)
            for _ in 0..<2 {
                let (status, refreshed) = try await AppGovernanceHTTPTests.refresh(client, refreshToken, basic: basic)
                #expect(status == .ok)
                refreshToken = try #require(refreshed["refresh_token"] as? String)
            }
            let revoke = try await OAuthHTTPTests.form(
                client, "/oauth/revoke", "token=\(FormEncoding.encode(refreshToken))&token_type_hint=refresh_token", headers: [.authorization: basic])
            #expect(revoke.status == .ok)

            let consent = try #require(try await Self.entries(environment).first { $0.event == LedgerEvent.consentGiven.rawValue })
            let grantID = try #require(consent.grantID)
            #expect(consent.actorID == person.id && consent.actorEmail == person.email && consent.clientID == app.id)
            #expect(consent.detail?.contains("signed in") == true)
            let timeline = try await Self.entries(environment, LedgerFilter(grantID: grantID))
            #expect(timeline.map(\.event) == ["consent.given", "token.refreshed", "token.refreshed", "grant.revoked"])
            #expect(timeline.last?.detail == "revoked by the client" && timeline.last?.subjectID == person.id)
            #expect(timeline.dropFirst().allSatisfy { $0.clientID == app.id })
            // The person's timeline starts with the sign-in the consent rested on.
            let personal = try await Self.entries(environment, LedgerFilter(personID: person.id))
            #expect(personal.map(\.event).prefix(2) == ["sign_in.succeeded", "consent.given"])
            // Newest first, bounded: what the admin pages read.
            let newest = try await environment.ledger.entries(tenantID: Tenant.defaultID, grantID: grantID, limit: 2)
            #expect(newest.map(\.event) == ["grant.revoked", "token.refreshed"])
            let theirs = try await environment.ledger.entries(tenantID: Tenant.defaultID, person: person)
            #expect(theirs.last?.event == "sign_in.succeeded" && theirs.count == personal.count)
        }
    }

    @Test("personal access tokens, second factors, app decisions and service accounts leave their entries")
    func otherEvents() async throws {
        try await HTTP.withApplication { environment, _ in
            let admin = try await environment.addPerson(email: "boss@example.com", role: .admin)
            let person = try await environment.addPerson(email: "tech@example.com")
            let tenant = try await environment.tenant()
            let pats = PersonalAccessTokens(storage: environment.storage, maxDays: 365, elevationWindowSeconds: 900, logger: Logger(label: "test"))
            let made = try await pats.create(
                for: person, tenant: tenant, .init(label: "script", scopes: ["tickets:read"], expiresAt: Date().addingTimeInterval(86_400)), now: Date())
            let again = try #require(try await pats.regenerate(id: made.token.id, by: person, tenant: tenant, now: Date()))
            _ = try await pats.revoke(id: again.token.id, by: admin, now: Date())

            let factor = StoredSecondFactor(tenantID: Tenant.defaultID, userID: person.id, sealedSecret: Data([1]), createdAt: Date())
            #expect(try await environment.storage.beginSecondFactor(factor))
            #expect(try await environment.storage.enableSecondFactor(tenantID: Tenant.defaultID, userID: person.id, at: Date(), step: 1, recoveryCodeHashes: []))
            #expect(try await environment.storage.removeSecondFactor(tenantID: Tenant.defaultID, userID: person.id, at: Date(), byAdministrator: true))
            #expect(try await environment.storage.beginSecondFactor(factor))
            #expect(try await environment.storage.enableSecondFactor(tenantID: Tenant.defaultID, userID: person.id, at: Date(), step: 2, recoveryCodeHashes: []))
            #expect(try await environment.storage.removeSecondFactor(tenantID: Tenant.defaultID, userID: person.id, at: Date(), byAdministrator: false))

            let (app, _) = try await AppGovernanceHTTPTests.app(environment)
            let decisions = ClientDecisions(storage: environment.storage)
            #expect(try await decisions.approve(tenantID: Tenant.defaultID, clientID: app.id, by: admin))
            #expect(try await decisions.block(tenantID: Tenant.defaultID, clientID: app.id, by: admin, at: Date()) == 0)
            #expect(try await decisions.delete(tenantID: Tenant.defaultID, clientID: app.id, by: admin))
            let account = try await environment.serviceAccounts.create(.init(name: "CI", scopes: ["tickets:read"]), tenant: tenant, by: admin)
            _ = try await environment.serviceAccounts.revoke(id: account.account.id, tenantID: Tenant.defaultID, by: admin)

            let entries = try await Self.entries(environment)
            func one(_ event: LedgerEvent, _ check: (LedgerEntry) -> Bool = { _ in true }) {
                let found = entries.filter { $0.event == event.rawValue }
                #expect(found.count >= 1 && found.allSatisfy(check), "\(event.rawValue): \(found)")
            }
            one(.patCreated) { $0.actorID == person.id && $0.grantID == made.token.grantID && $0.detail?.contains("script") == true }
            one(.patRegenerated) { $0.grantID == again.token.grantID && $0.detail?.contains(made.token.id) == true }
            one(.patRevoked) { $0.actorID == admin.id && $0.actorEmail == admin.email && $0.subjectID == person.id }
            one(.grantRevoked) { $0.grantID != nil && $0.detail != nil }
            one(.secondFactorEnabled) { $0.actorID == person.id && $0.subjectID == person.id }
            one(.secondFactorReset) { $0.actorID == nil && $0.subjectID == person.id }
            one(.secondFactorDisabled) { $0.actorID == person.id && $0.subjectID == person.id }
            one(.clientApproved) { $0.actorID == admin.id && $0.clientID == app.id }
            one(.clientBlocked) { $0.actorID == admin.id && $0.detail == "0 grant(s) ended" }
            one(.clientDeleted) { $0.actorID == admin.id && $0.clientID == app.id }
            one(.serviceAccountCreated) { $0.actorID == admin.id && $0.subjectID == account.account.id && $0.grantID == account.account.grantID }
            one(.serviceAccountRevoked) { $0.actorID == admin.id }
            // No secret and no password anywhere in the ledger.
            let text = entries.map(\.jsonLine).joined(separator: "\n")
            for secret in [made.value.value, again.value.value, PageTestHouse.password] + [account.issued.clientSecret].compactMap({ $0 }) {
                #expect(!text.contains(secret))
            }
            #expect(!text.contains("gatehouse_pat_") && !text.contains(ClientSecret.prefix))
        }
    }

    @Test("a registration is recorded with the client id and the address it came from")
    func registration() async throws {
        try await HTTP.withApplication { environment, client in
            let response = try await client.execute(
                uri: "/oauth/register", method: .post, headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"redirect_uris":["https://app.example/cb"],"client_name":"Reporting"}"#))
            let clientID = try #require(try HTTP.json(response)["client_id"] as? String)
            let entry = try #require(try await Self.entries(environment).first { $0.event == LedgerEvent.clientRegistered.rawValue })
            #expect(entry.clientID == clientID && entry.detail == "Reporting")
        }
    }

    @Test("retention: entries older than the setting are pruned, newer ones kept; hostile text is bounded")
    func retention() async throws {
        try await HTTP.withApplication { environment, _ in
            let now = Date()
            let old = Ledger.entry(.keyRotated, tenantID: Tenant.defaultID, detail: "old", at: now.addingTimeInterval(-401 * 86_400))
            let recent = Ledger.entry(.keyRotated, tenantID: Tenant.defaultID, detail: String(repeating: "x\u{7}", count: 5000), at: now.addingTimeInterval(-399 * 86_400))
            try await environment.storage.appendLedger([old, recent])
            let pruning = AuditPruning(days: 400, logger: Logger(label: "test")) { try await environment.storage.pruneLedger(before: $0) }
            await pruning.pruneOnce(now: now)
            let kept = try await Self.entries(environment).filter { $0.event == LedgerEvent.keyRotated.rawValue }
            #expect(kept.count == 1 && kept[0].id == recent.id)
            #expect(kept[0].detail?.count == LedgerEntry.maximumTextLength && kept[0].detail?.contains("\u{7}") == false)
            #expect(AuthServerSettings.knownKeys.contains("AUDIT_RETENTION_DAYS"))
            #expect(try AuthServerSettings.load(environment: [:]).auditRetentionDays == 400)
            #expect(try AuthServerSettings.load(environment: ["GATEHOUSE_AUDIT_RETENTION_DAYS": "30"]).auditRetentionDays == 30)
            #expect(throws: ConfigurationError.self) { try AuthServerSettings.load(environment: ["GATEHOUSE_AUDIT_RETENTION_DAYS": "0"]) }
        }
    }

    @Test("export pages: filters by grant, by person (id or tried email) and by time, oldest first")
    func exportFilters() async throws {
        try await HTTP.withApplication { environment, _ in
            let now = Date()
            let entries = [
                Ledger.entry(.signInFailed, tenantID: Tenant.defaultID, actorEmail: "ghost@example.com", outcome: "unknown_person", at: now.addingTimeInterval(-10)),
                Ledger.entry(.consentGiven, tenantID: Tenant.defaultID, actorID: "usr_1", grantID: "grant_a", at: now.addingTimeInterval(-5)),
                Ledger.entry(.grantRevoked, tenantID: Tenant.defaultID, subjectID: "usr_1", grantID: "grant_a", at: now),
            ]
            try await environment.storage.appendLedger(entries)
            func page(_ filter: LedgerFilter) async throws -> [String] {
                try await environment.storage.ledgerPage(tenantID: Tenant.defaultID, matching: filter, after: 0, limit: 10).map(\.entry.id)
            }
            #expect(try await page(LedgerFilter(grantID: "grant_a")) == [entries[1].id, entries[2].id])
            #expect(try await page(LedgerFilter(personID: "usr_1")) == [entries[1].id, entries[2].id])
            #expect(try await page(LedgerFilter(personEmail: "Ghost@Example.com")) == [entries[0].id])
            #expect(try await page(LedgerFilter(since: now.addingTimeInterval(-1))) == [entries[2].id])
            var exported: [String] = []
            try await environment.ledger.export(tenantID: Tenant.defaultID, matching: LedgerFilter(), pageSize: 2) { exported.append($0.id) }
            #expect(exported == entries.map(\.id), "across pages, oldest first")
            let first = try await environment.storage.ledgerPage(tenantID: Tenant.defaultID, matching: LedgerFilter(), after: 0, limit: 1)
            let rest = try await environment.storage.ledgerPage(tenantID: Tenant.defaultID, matching: LedgerFilter(), after: first[0].position, limit: 10)
            #expect(rest.count == 2 && rest[0].entry.id == entries[1].id)
            #expect(try await environment.storage.ledgerPage(tenantID: "other", matching: LedgerFilter(), after: 0, limit: 10).isEmpty)
        }
    }
}
