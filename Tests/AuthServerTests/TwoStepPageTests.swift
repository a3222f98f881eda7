import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// Two-step sign-in on the account pages, driven like a browser: turning it on with the QR code, the recovery
/// codes shown once, new codes, turning it off, an administrator's reset, and hostile input.
@Suite("Two-step sign-in pages")
struct TwoStepPageTests {
    /// The base32 secret the enrolment page shows for typing, read back as the authenticator app would.
    static func secret(on page: PageResponse) throws -> TOTP {
        let range = try #require(page.body.range(of: #"<p class="secret"><code>([A-Z2-7 ]+)</code>"#, options: .regularExpression))
        let grouped = page.body[range].replacingOccurrences(of: #"<p class="secret"><code>"#, with: "").replacingOccurrences(of: "</code>", with: "")
        return TOTP(secret: try #require(Base32.decode(grouped)))
    }

    @Test("turning it on: the password first, then a QR code, the otpauth URI and the secret, and the first right code; the codes are shown once")
    func enrol() async throws {
        try await PageTestHouse.run { house, browser in
            try await browser.signIn()
            let security = try await browser.get("/account/security")
            #expect(security.body.contains("Turn on two-step sign-in"))
            let token = try #require(security.csrfToken)
            let wrong = try await browser.post(
                "/account/security/two-step/start", ["csrf_token": token, "current_password": "not it", "return_to": "/account/security"])
            #expect(wrong.body.contains("That is not your password.") && !wrong.body.contains("otpauth://"))

            let enrolment = try await browser.post(
                "/account/security/two-step/start", ["csrf_token": token, "current_password": PageTestHouse.password, "return_to": "/account/security"])
            #expect(enrolment.status == .ok)
            #expect(enrolment.body.contains("<svg class=\"qr\"") && enrolment.body.contains(##"<path fill="#000" d="M"##))
            #expect(enrolment.body.contains("otpauth://totp/acme.example.com:alice%40example.com?secret="))
            #expect(enrolment.body.contains(#"autocomplete="one-time-code""#) && enrolment.body.contains(#"inputmode="numeric""#))
            #expect(!enrolment.body.lowercased().contains("<script"))
            let totp = try Self.secret(on: enrolment)
            #expect(enrolment.body.contains(Base32.encode(totp.secret)), "the URI carries the same secret")

            let badCode = try await browser.post(
                "/account/security/two-step/confirm", ["csrf_token": token, "code": "12345x", "return_to": "/account/security"])
            #expect(badCode.body.contains("That code is not right") && badCode.body.contains("<svg class=\"qr\""), "the same enrolment again")
            #expect(try await !house.pages.secondFactor.isEnrolled(house.user))

            let codes = try await browser.post(
                "/account/security/two-step/confirm", ["csrf_token": token, "code": house.code(totp), "return_to": "/account/security"])
            #expect(codes.body.contains("Two-step sign-in is on"))
            let shown = codes.body.components(separatedBy: "<li><code>").dropFirst().map { String($0.prefix(19)) }
            #expect(shown.count == 10 && shown.allSatisfy { RecoveryCode.normalised($0) != nil })
            #expect(codes.body.contains(#"download="gatehouse-recovery-codes.txt""#) && codes.body.contains("data:text/plain;charset=utf-8,"))
            #expect(codes.body.contains(shown[0].replacingOccurrences(of: "-", with: "%2D")), "the download holds the same codes")
            #expect(try await house.pages.secondFactor.isEnrolled(house.user))
            let after = try await browser.get("/account/security")
            #expect(after.body.contains("Two-step sign-in is <strong>on</strong>") && after.body.contains("You have 10 unused recovery codes"))
            #expect(!after.body.contains(shown[0]), "never shown again")

            // The next sign-in asks for a code.
            let next = Browser(client: browser.client)
            #expect(try await next.signIn().location == "/login/second-factor")
        }
    }

    @Test("new recovery codes and turning off need a right code; a wrong one changes nothing")
    func renewAndTurnOff() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, recovery) = try await house.enrolSecondFactor()
            try await browser.signIn()
            let page = try await browser.get("/login/second-factor")
            _ = try await browser.post("/login/second-factor", ["csrf_token": try #require(page.csrfToken), "code": house.code(totp)])
            house.clock.advance(by: 30)
            let token = try #require(try await browser.get("/account/security").csrfToken)
            let refused = try await browser.post("/account/security/two-step/recovery-codes", ["csrf_token": token, "code": "000000x"])
            #expect(refused.body.contains("your recovery codes are unchanged"))
            let renewed = try await browser.post("/account/security/two-step/recovery-codes", ["csrf_token": token, "code": house.code(totp)])
            #expect(renewed.body.contains("Your recovery codes") && !renewed.body.contains("Two-step sign-in is on."))
            #expect(try await house.pages.secondFactor.verify(house.user, code: recovery[0]) == nil, "the old codes are gone")

            let stillOn = try await browser.post("/account/security/two-step/off", ["csrf_token": token, "code": recovery[1]])
            #expect(stillOn.body.contains("two-step sign-in is still on"))
            house.clock.advance(by: 30)
            let off = try await browser.post("/account/security/two-step/off", ["csrf_token": token, "code": house.code(totp)])
            #expect(off.body.contains("Two-step sign-in is off"))
            #expect(try await !house.pages.secondFactor.isEnrolled(house.user))
            #expect(try await Browser(client: browser.client).signIn().status == .seeOther, "the password alone again")
        }
    }

    @Test("the two-step forms refuse a missing CSRF token, oversized and hostile codes, and are throttled like sign-in")
    func hostileInput() async throws {
        try await PageTestHouse.run { house, browser in
            let (totp, _) = try await house.enrolSecondFactor()
            try await browser.signIn()
            let page = try await browser.get("/login/second-factor")
            _ = try await browser.post("/login/second-factor", ["csrf_token": try #require(page.csrfToken), "code": house.code(totp)])
            let token = try #require(try await browser.get("/account/security").csrfToken)
            for path in [TwoStepRoutes.startPath, TwoStepRoutes.confirmPath, TwoStepRoutes.offPath, TwoStepRoutes.recoveryCodesPath] {
                #expect(try await browser.post(path, ["code": "123456"]).status == .forbidden, "\(path)")
            }
            for hostile in [String(repeating: "9", count: 10_000), "<script>alert(1)</script>", "' OR 1=1 --", "\u{0}123456"] {
                let answer = try await browser.post(TwoStepRoutes.offPath, ["csrf_token": token, "code": hostile])
                #expect(answer.status == .ok || answer.status == .tooManyRequests)
                #expect(!answer.body.contains("<script>alert(1)</script>"))
            }
            for _ in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
                _ = try await browser.post(TwoStepRoutes.offPath, ["csrf_token": token, "code": "000000"])
            }
            house.clock.advance(by: 30)
            let locked = try await browser.post(TwoStepRoutes.offPath, ["csrf_token": token, "code": house.code(totp)])
            #expect(locked.status == .tooManyRequests && locked.headers[.retryAfter] != nil)
            #expect(try await house.pages.secondFactor.isEnrolled(house.user), "a locked-out right code turns nothing off")
            // Signed out, every form sends the person to sign in.
            let stranger = Browser(client: browser.client)
            #expect(try await stranger.post(TwoStepRoutes.startPath, ["csrf_token": token, "current_password": "x"]).status == .seeOther)
        }
    }

    @Test("an administrator's reset turns it off, and the next sign-in says so once")
    func administratorReset() async throws {
        try await PageTestHouse.run { house, browser in
            try await house.enrolSecondFactor()
            #expect(try await house.storage.removeSecondFactor(tenantID: house.tenant.id, userID: house.user.id, at: house.clock.now, byAdministrator: true))
            let first = try await browser.signIn(returnTo: "/account/apps")
            #expect(first.status == .ok && first.body.contains("An administrator turned off two-step sign-in"))
            #expect(first.body.contains(#"href="/account/apps""#), "and the way on")
            #expect(browser.cookie("__Host-gatehouse_session") != nil, "signed in all the same")
            let again = try await Browser(client: browser.client).signIn(returnTo: "/account/apps")
            #expect(again.status == .seeOther && again.location == "/account/apps", "said once")
        }
    }
}
