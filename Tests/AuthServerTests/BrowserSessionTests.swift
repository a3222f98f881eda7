import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// Sessions over time, sign-out, the account pages, the change of password and the second factor.
@Suite("Browser sessions and account pages")
struct BrowserSessionTests {
    @Test("account pages without a session answer 303 to /login with return_to", arguments: [
        "/account", "/account/security",
    ])
    func accountPagesNeedSignIn(_ path: String) async throws {
        try await PageTestHouse.run { _, browser in
            let response = try await browser.get(path)
            #expect(response.status == .seeOther)
            #expect(response.location == "/login?return_to=" + path)
            // And a sign-in from there comes back.
            let signIn = try await browser.get(try #require(response.location))
            #expect(signIn.hiddenField("return_to") == path)
        }
    }

    @Test("a session left alone for the idle timeout ends, and its row is deleted")
    func idleTimeout() async throws {
        try await PageTestHouse.run { house, browser in
            try await browser.signIn()
            house.clock.advance(by: AuthPolicy.Sessions.idleTimeout - 1)
            #expect(try await browser.get("/account").status == .ok, "seen again just in time: last-seen moves on")
            house.clock.advance(by: AuthPolicy.Sessions.idleTimeout - 1)
            #expect(try await browser.get("/account").status == .ok)
            house.clock.advance(by: AuthPolicy.Sessions.idleTimeout)
            let response = try await browser.get("/account")
            #expect(response.status == .seeOther && response.location?.hasPrefix("/login") == true)
            let hash = try #require(browser.secret("__Host-gatehouse_session")).hash
            #expect(try await house.storage.session(tenantID: house.tenant.id, idHash: hash) == nil)
        }
    }

    @Test("a session ends at its absolute lifetime however busy it is")
    func absoluteLifetime() async throws {
        try await PageTestHouse.run { house, browser in
            try await browser.signIn()
            let hourlyVisits = Int(AuthPolicy.Sessions.absoluteLifetime / 3600) - 1
            for _ in 0..<hourlyVisits {
                house.clock.advance(by: 3600)
                #expect(try await browser.get("/account").status == .ok)
            }
            house.clock.advance(by: 3600)
            #expect(try await browser.get("/account").status == .seeOther)
        }
    }

    @Test("sign-out deletes the session, drops the cookie and leads to /login; the old cookie is worthless")
    func logout() async throws {
        try await PageTestHouse.run { house, browser in
            try await browser.signIn()
            let value = try #require(browser.cookie("__Host-gatehouse_session"))
            let account = try await browser.get("/account")
            let token = try #require(account.csrfToken)
            #expect(account.body.contains(#"action="/logout""#))
            let response = try await browser.post("/logout", ["csrf_token": token])
            #expect(response.status == .seeOther && response.location == "/login")
            #expect(response.setCookies.contains { $0.hasPrefix("__Host-gatehouse_session=;") && $0.contains("Max-Age=0") })
            let hash = try #require(CookieSecret(cookieValue: value)).hash
            #expect(try await house.storage.session(tenantID: house.tenant.id, idHash: hash) == nil)
            browser.setCookie("__Host-gatehouse_session", value)
            #expect(try await browser.get("/account").status == .seeOther)
        }
    }

    @Test("the overview shows email and role and links every account page")
    func accountPages() async throws {
        try await PageTestHouse.run { _, browser in
            try await browser.signIn()
            let overview = try await browser.get("/account")
            #expect(overview.body.contains("alice@example.com"))
            #expect(overview.body.contains("Technician"))
            #expect(overview.body.contains(#"<a href="/account" aria-current="page">"#))
            for link in ["/account/apps", "/account/tokens", "/account/security"] { #expect(overview.body.contains(#"href="\#(link)""#)) }
        }
    }

    @Test("changing the password: rules, wrong current password, then success keeps this session and ends the others")
    func changePassword() async throws {
        try await PageTestHouse.run { house, browser in
            try await browser.signIn()
            // A second browser of the same person.
            let other = Browser(client: browser.client)
            try await other.signIn()
            #expect(try await other.get("/account").status == .ok)

            let page = try await browser.get("/account/security")
            let token = try #require(page.csrfToken)
            #expect(page.body.contains(#"autocomplete="current-password""#))
            #expect(page.body.components(separatedBy: #"autocomplete="new-password""#).count == 3)
            #expect(page.body.contains("Turn on two-step sign-in"))
            func change(_ current: String, _ new: String, _ confirm: String) async throws -> PageResponse {
                try await browser.post(
                    "/account/security",
                    ["csrf_token": token, "current_password": current, "new_password": new, "confirm_password": confirm])
            }
            let short = try await change(PageTestHouse.password, "short", "short")
            #expect(short.body.contains(PasswordRules.Problem.tooShort.message))
            let mismatch = try await change(PageTestHouse.password, "a long new password", "a long new passwork")
            #expect(mismatch.body.contains(PasswordRules.Problem.confirmationDiffers.message))
            let same = try await change(PageTestHouse.password, PageTestHouse.password, PageTestHouse.password)
            #expect(same.body.contains(PasswordRules.Problem.sameAsCurrent.message))
            let long = String(repeating: "x", count: AuthPolicy.Passwords.maximumLength + 1)
            #expect(try await change(PageTestHouse.password, long, long).body.contains(PasswordRules.Problem.tooLong.message))
            let wrongCurrent = try await change("not my password", "a long new password", "a long new password")
            #expect(wrongCurrent.body.contains("The current password is not right."))
            #expect(try await house.storage.user(tenantID: house.tenant.id, id: house.user.id)?.passwordHash == house.user.passwordHash)

            let done = try await change(PageTestHouse.password, "a long new password", "a long new password")
            #expect(done.status == .ok)
            #expect(done.body.contains("Your password was changed"))
            let stored = try #require(try await house.storage.user(tenantID: house.tenant.id, id: house.user.id))
            #expect(stored.passwordHash.hasPrefix("$argon2id$"))
            #expect(PasswordHasher.verify("a long new password", against: stored.passwordHash))

            #expect(try await browser.get("/account").status == .ok, "this session stays")
            #expect(try await other.get("/account").status == .seeOther, "the other one is ended")
            let fresh = Browser(client: browser.client)
            #expect(try await fresh.signIn().status == .ok, "the old password no longer works")
            #expect(try await fresh.signIn(password: "a long new password").status == .seeOther)
        }
    }

    @Test("the change of password offers, ticked, to disconnect the person's apps too; unticked, they keep working")
    func changePasswordDisconnectsApps() async throws {
        try await PageTestHouse.run { house, browser in
            let client = Client(
                tenantID: house.tenant.id, id: "gh_app", kind: .dynamic, name: "An app", redirectURIs: ["https://app.example/cb"], authMethod: .none,
                createdAt: wholeSecond())
            try await house.storage.saveClient(client)
            let bob = try await house.addUser(email: "bob@example.com", password: "bob's own password")
            func grant(_ user: User) async throws -> Grant {
                let grant = Grant(
                    tenantID: house.tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: client.id,
                    resource: house.tenant.resource, scopes: ["tickets:read"], createdAt: wholeSecond(), lastAuthorisedAt: wholeSecond())
                try await house.storage.saveGrant(grant)
                return grant
            }
            let mine = [try await grant(house.user), try await grant(house.user)]
            let bobs = try await grant(bob)
            try await browser.signIn()
            let page = try await browser.get("/account/security")
            #expect(page.body.contains(#"name="disconnect_apps" type="checkbox" value="yes" checked"#))
            let token = try #require(page.csrfToken)
            let kept = try await browser.post(
                "/account/security",
                ["csrf_token": token, "current_password": PageTestHouse.password, "new_password": "a long new password", "confirm_password": "a long new password"])
            #expect(kept.body.contains("Your password was changed") && !kept.body.contains("were disconnected"))
            #expect(try await house.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).count == 2)

            let ended = try await browser.post(
                "/account/security",
                [
                    "csrf_token": token, "current_password": "a long new password", "new_password": "another long password",
                    "confirm_password": "another long password", "disconnect_apps": "yes",
                ])
            #expect(ended.body.contains("2 apps were disconnected"))
            for grant in mine { #expect(try await house.storage.grant(tenantID: house.tenant.id, id: grant.id)?.isActive == false) }
            #expect(try await house.storage.grant(tenantID: house.tenant.id, id: bobs.id)?.isActive == true, "nobody else's")
            let feed = try await house.storage.revocationEvents(tenantID: house.tenant.id, after: 0, limit: 10).filter { $0.kind == .grant }.map(\.subject)
            #expect(Set(feed) == Set(mine.map(\.id)), "the resource-servers learn of it")
        }
    }

    @Test("with a second factor: the right password leads to the code page, a half sign-in is no session, the code finishes it")
    func secondFactor() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, recoveryCodes) = try await house.enrolSecondFactor()
            let cookieBefore = try await browser.get("/login?return_to=/account/security")
            let firstSignInCookie = try #require(browser.cookie("__Host-gatehouse_signin"))
            let password = try await browser.post(
                "/login",
                ["csrf_token": try #require(cookieBefore.csrfToken), "return_to": "/account/security", "email": PageTestHouse.email,
                 "password": PageTestHouse.password])
            #expect(password.status == .seeOther && password.location == "/login/second-factor")
            #expect(browser.cookie("__Host-gatehouse_session") == nil)
            #expect(browser.cookie("__Host-gatehouse_signin") != firstSignInCookie, "the half sign-in gets a new cookie")
            #expect(try await browser.get("/account").status == .seeOther, "half signed in is not signed in")

            let codePage = try await browser.get("/login/second-factor")
            #expect(codePage.status == .ok)
            #expect(codePage.body.contains(#"name="code""#) && codePage.body.contains(#"autocomplete="one-time-code""#))
            #expect(codePage.body.contains(#"inputmode="numeric""#))
            let token = try #require(codePage.csrfToken)
            let current = house.code(totp)
            let wrong = try await browser.post("/login/second-factor", ["csrf_token": token, "code": current == "000000" ? "000001" : "000000"])
            #expect(wrong.body.contains(SecondFactorPage.failureMessage))
            #expect(try await browser.post("/login/second-factor", ["code": current]).status == .forbidden)

            let spaced = String(current.prefix(3)) + " " + String(current.suffix(3))
            let right = try await browser.post("/login/second-factor", ["csrf_token": token, "code": spaced])
            #expect(right.status == .seeOther && right.location == "/account/security")
            let hash = try #require(browser.secret("__Host-gatehouse_session")).hash
            #expect(try await house.storage.session(tenantID: house.tenant.id, idHash: hash)?.authenticationMethods == ["pwd", "otp", "mfa"])
            #expect(try await browser.get("/login/second-factor").status == .seeOther, "the half sign-in is used up")

            // The same code again is a replay, refused for the rest of its window; a recovery code works once.
            let other = Browser(client: browser.client)
            #expect(try await other.signIn().location == "/login/second-factor")
            let otherToken = try #require(try await other.get("/login/second-factor").csrfToken)
            #expect(try await other.post("/login/second-factor", ["csrf_token": otherToken, "code": current]).body.contains(SecondFactorPage.failureMessage))
            let recovery = try await other.post("/login/second-factor", ["csrf_token": otherToken, "code": recoveryCodes[0].lowercased()])
            #expect(recovery.status == .seeOther)
            let otherHash = try #require(other.secret("__Host-gatehouse_session")).hash
            #expect(try await house.storage.session(tenantID: house.tenant.id, idHash: otherHash)?.authenticationMethods == ["pwd", "rcode", "mfa"])
            let third = Browser(client: browser.client)
            _ = try await third.signIn()
            let thirdToken = try #require(try await third.get("/login/second-factor").csrfToken)
            #expect(try await third.post("/login/second-factor", ["csrf_token": thirdToken, "code": recoveryCodes[0]]).body.contains(SecondFactorPage.failureMessage))
        }
    }

    @Test("a half sign-in expires after its lifetime")
    func pendingSignInExpires() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, _) = try await house.enrolSecondFactor()
            #expect(try await browser.signIn().location == "/login/second-factor")
            let token = try #require(try await browser.get("/login/second-factor").csrfToken)
            house.clock.advance(by: AuthPolicy.Sessions.pendingSignInLifetime)
            let late = try await browser.post("/login/second-factor", ["csrf_token": token, "code": house.code(totp)])
            #expect(late.status == .seeOther && late.location == "/login")
            #expect(browser.cookie("__Host-gatehouse_session") == nil)
        }
    }

    @Test("the second factor is throttled per account like the password")
    func secondFactorThrottle() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, _) = try await house.enrolSecondFactor()
            try await browser.signIn()
            let token = try #require(try await browser.get("/login/second-factor").csrfToken)
            let right = house.code(totp)
            for _ in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
                #expect(try await browser.post("/login/second-factor", ["csrf_token": token, "code": right == "999999" ? "999998" : "999999"]).status == .ok)
            }
            let refused = try await browser.post("/login/second-factor", ["csrf_token": token, "code": right])
            #expect(refused.status == .tooManyRequests)
            #expect(browser.cookie("__Host-gatehouse_session") == nil)
            #expect(house.spies.delays.withLock { $0.count } == 5)
        }
    }
}
