import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// CSRF, the sign-in throttle, malformed forms and the security headers, over HTTP.
@Suite("Page protections")
struct PageProtectionTests {
    static func assertSecurityHeaders(_ response: PageResponse, _ what: String) {
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(what)")
        #expect(response.headers[.cacheControl] == "no-store", "\(what)")
        #expect(
            response.headers[.contentSecurityPolicy]
                == "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'", "\(what)")
        #expect(response.headers[.contentSecurityPolicy]?.contains("form-action") == false, "\(what)")
        #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(what)")
        #expect(response.headers[PageSecurityHeaders.referrerPolicy] == "no-referrer", "\(what)")
        #expect(response.headers[PageSecurityHeaders.xFrameOptions] == "DENY", "\(what)")
        #expect(!response.body.contains("<script"), "\(what) has no script")
        #expect(response.body.hasPrefix("<!doctype html>\n<html lang=\"en\">"), "\(what)")
    }

    @Test("the sign-in form refuses a missing, wrong, foreign or cookie-less CSRF token with the 403 page")
    func signInCSRF() async throws {
        try await PageTestHouse.run { house, browser in
            let form = try await browser.get("/login")
            let token = try #require(form.csrfToken)
            let credentials: [(String, String)] = [("email", PageTestHouse.email), ("password", PageTestHouse.password)]
            let attempts: [String] = [
                Browser.formEncode(credentials),
                Browser.formEncode([("csrf_token", "")] + credentials),
                Browser.formEncode([("csrf_token", String(token.reversed()))] + credentials),
                Browser.formEncode([("csrf_token", CSRFToken.make(boundTo: CookieSecret()))] + credentials),
                Browser.formEncode([("csrf_token", token + "A")] + credentials),
            ]
            for body in attempts {
                let response = try await browser.post("/login", body: body)
                #expect(response.status == .forbidden, "\(body)")
                #expect(response.body.contains("This form has expired"))
                Self.assertSecurityHeaders(response, "403 page")
            }
            // The right token, but the cookie it is bound to is gone.
            browser.setCookie("__Host-gatehouse_signin", nil)
            let orphan = try await browser.post("/login", body: Browser.formEncode([("csrf_token", token)] + credentials))
            #expect(orphan.status == .forbidden)
            #expect(browser.cookie("__Host-gatehouse_session") == nil)
            #expect(house.spies.verifiedHashes.withLock { $0.isEmpty }, "no password is checked without a valid token")
        }
    }

    @Test("sign-out and the change of password refuse a missing or wrong CSRF token")
    func signedInCSRF() async throws {
        try await PageTestHouse.run { _, browser in
            try await browser.signIn()
            for body in ["", "csrf_token=", "csrf_token=" + CSRFToken.make(boundTo: CookieSecret())] {
                #expect(try await browser.post("/logout", body: body).status == .forbidden)
                let change = body + "&current_password=\(PageTestHouse.password)&new_password=a%20new%20password&confirm_password=a%20new%20password"
                #expect(try await browser.post("/account/security", body: change).status == .forbidden)
            }
            #expect(try await browser.get("/account").status == .ok, "still signed in")
        }
    }

    @Test("after 5 failures for one account each attempt waits longer (1 s, 2 s, 4 s, 8 s), and at 10 it is 429 even with the right password")
    func throttlePerAccount() async throws {
        try await PageTestHouse.run { house, browser in
            let token = try #require(try await browser.get("/login").csrfToken)
            func attempt(_ password: String, email: String = PageTestHouse.email) async throws -> PageResponse {
                try await browser.post("/login", ["csrf_token": token, "return_to": "/account", "email": email, "password": password])
            }
            for _ in 0..<5 { #expect(try await attempt("wrong").status == .ok) }
            #expect(house.spies.delays.withLock { $0 }.isEmpty)
            for _ in 0..<5 { #expect(try await attempt("wrong").status == .ok) }
            #expect(house.spies.delays.withLock { $0 } == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])

            // Locked: the right password is not even checked; the answer says when to come back.
            let checked = house.spies.verifiedHashes.withLock { $0.count }
            let refused = try await attempt(PageTestHouse.password)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "900")
            #expect(refused.body.contains("Try again in 15 minutes."))
            #expect(house.spies.verifiedHashes.withLock { $0.count } == checked)
            // The email's case and spaces do not make another account.
            #expect(try await attempt(PageTestHouse.password, email: " ALICE@example.com ").status == .tooManyRequests)

            // Another account from the same address is still free (the address allows more).
            _ = try await house.addUser(email: "bob@example.com", password: "bob's password")
            #expect(try await attempt("bob's password", email: "bob@example.com").status == .seeOther)

            // Once the window has moved on, the right password works again.
            house.clock.advance(by: AuthPolicy.SignInThrottle.window)
            browser.setCookie("__Host-gatehouse_session", nil)
            #expect(try await browser.signIn().status == .seeOther)
        }
    }

    @Test("failures from one address are counted across accounts: past 20 its attempts are spaced out, and it is let in again seconds later")
    func throttlePerAddress() async throws {
        try await PageTestHouse.run { house, browser in
            let token = try #require(try await browser.get("/login").csrfToken)
            // In process the router has no peer address; every request shares the unknown address's count.
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<(AuthPolicy.SignInThrottle.freeFailuresPerAddress + 8) {
                let response = try await browser.post(
                    "/login", ["csrf_token": token, "return_to": "/account", "email": "guess\(index)@example.com", "password": "x"])
                statuses.append(response.status)
            }
            // The test clock stands still, so the spaced-out turns pile up until the wait passes the cap.
            #expect(statuses.prefix(AuthPolicy.SignInThrottle.freeFailuresPerAddress + 6).allSatisfy { $0 == .ok })
            #expect(statuses.last == .tooManyRequests)
            let delays = house.spies.delays.withLock { $0 }
            #expect(delays == [.seconds(1), .seconds(3), .seconds(7), .seconds(15), .seconds(23)])
            let refused = try await browser.signIn()
            #expect(refused.status == .tooManyRequests, "a fresh account from the same address waits for its turn too")
            let retryAfter = try #require(Int(refused.headers[.retryAfter] ?? ""))
            #expect(retryAfter > 0 && retryAfter <= 60, "seconds, not a lockout")
            house.clock.advance(by: TimeInterval(retryAfter))
            #expect(try await browser.signIn().status == .seeOther, "the right password gets in once the turn comes")
        }
    }

    @Test("forms that are not forms, too large, or ambiguous are refused before anything else")
    func malformedForms() async throws {
        try await PageTestHouse.run { house, browser in
            let token = try #require(try await browser.get("/login").csrfToken)
            let json = try await browser.post("/login", body: #"{"csrf_token":"\#(token)"}"#, contentType: "application/json")
            #expect(json.status == .badRequest)
            let plain = try await browser.post("/login", body: "csrf_token=\(token)", contentType: "text/plain")
            #expect(plain.status == .badRequest)
            let huge = try await browser.post(
                "/login", body: "csrf_token=\(token)&email=" + String(repeating: "a", count: AuthPolicy.Pages.maximumFormBytes))
            #expect(huge.status == .contentTooLarge)
            let repeated = try await browser.post("/login", body: "csrf_token=\(token)&email=a%40b.c&email=alice%40example.com&password=x")
            #expect(repeated.status == .badRequest)
            let badEncoding = try await browser.post("/login", body: "csrf_token=\(token)&email=%E0%A4%A")
            #expect(badEncoding.status == .badRequest)
            for response in [json, plain, huge, repeated, badEncoding] { Self.assertSecurityHeaders(response, "\(response.status)") }
            #expect(house.spies.verifiedHashes.withLock { $0.isEmpty })
        }
    }

    @Test("every page carries the security headers, no script and the html lang")
    func securityHeadersEverywhere() async throws {
        try await PageTestHouse.run { _, browser in
            Self.assertSecurityHeaders(try await browser.get("/login"), "/login")
            try await browser.signIn()
            for path in ["/account", "/account/security"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok, "\(path)")
                Self.assertSecurityHeaders(page, path)
            }
            Self.assertSecurityHeaders(try await browser.post("/logout", body: "csrf_token=bad"), "403")
        }
    }

    @Test("the stylesheet is served as CSS, cacheable, with an ETag that answers 304")
    func stylesheet() async throws {
        try await PageTestHouse.run { _, browser in
            let css = try await browser.get("/assets/gatehouse.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.headers[.cacheControl] == "public, max-age=3600")
            #expect(css.headers[.xContentTypeOptions] == "nosniff")
            #expect(css.body.contains(":focus-visible"))
            let etag = try #require(css.headers[.eTag])
            var headers = HTTPFields()
            headers[.ifNoneMatch] = etag
            try await browser.client.execute(uri: "/assets/gatehouse.css", method: .get, headers: headers) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
        }
    }
}
