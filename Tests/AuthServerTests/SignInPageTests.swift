import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// GET/POST /login, the second factor and sign-out, driven in process like a browser.
@Suite("Sign-in pages")
struct SignInPageTests {
    static let cookieAttributes = "; Path=/; Secure; HttpOnly; SameSite=Lax"

    @Test("on an https issuer both cookies are __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/ and have no Domain")
    func httpsCookies() async throws {
        try await PageTestHouse.run(issuer: "https://acme.example.com") { _, browser in
            let form = try await browser.get("/login")
            #expect(form.status == .ok)
            let signInCookie = try #require(form.setCookies.first)
            #expect(signInCookie.hasPrefix("__Host-gatehouse_signin="))
            for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=3600"] {
                #expect(signInCookie.contains(attribute), "\(attribute) missing from \(signInCookie)")
            }
            #expect(!signInCookie.lowercased().contains("domain"))

            let signedIn = try await browser.signIn()
            let session = try #require(signedIn.setCookies.first { $0.hasPrefix("__Host-gatehouse_session=") })
            for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=43200"] {
                #expect(session.contains(attribute), "\(attribute) missing from \(session)")
            }
            #expect(!session.lowercased().contains("domain"))
            #expect(signedIn.setCookies.contains { $0.hasPrefix("__Host-gatehouse_signin=;") && $0.contains("Max-Age=0") })
        }
    }

    @Test("on a plain-http development issuer the cookies drop the __Host- prefix and Secure, and keep HttpOnly and SameSite=Lax")
    func httpCookies() async throws {
        try await PageTestHouse.run(issuer: "http://127.0.0.1:9000") { _, browser in
            let signedIn = try await browser.signIn()
            #expect(signedIn.status == .seeOther)
            let session = try #require(signedIn.setCookies.first { $0.hasPrefix("gatehouse_session=") })
            #expect(!session.contains("Secure"))
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"))
            #expect(!signedIn.setCookies.contains { $0.hasPrefix("__Host-") })
            #expect(try await browser.get("/account").status == .ok, "the unprefixed cookie is the one read back")
        }
    }

    @Test("a right password starts a new session (only its SHA-256 stored) and answers 303 to return_to")
    func signInSuccess() async throws {
        try await PageTestHouse.run { house, browser in
            let response = try await browser.signIn(returnTo: "/oauth/authorize?client_id=abc&state=x%20y")
            #expect(response.status == .seeOther)
            #expect(response.location == "/oauth/authorize?client_id=abc&state=x%20y")
            #expect(response.headers[.cacheControl] == "no-store")
            let value = try #require(browser.cookie("__Host-gatehouse_session"))
            let secret = try #require(CookieSecret(cookieValue: value))
            let stored = try #require(try await house.storage.session(tenantID: house.tenant.id, idHash: secret.hash))
            #expect(stored.userID == house.user.id)
            #expect(stored.authenticationMethods == ["pwd"])
            #expect(stored.idHash != value && stored.idHash.count == 64)
            #expect(browser.cookie("__Host-gatehouse_signin") == nil, "the sign-in cookie is dropped")
        }
    }

    @Test("signing in never keeps a session id the browser already had (fixation), and ends the old session")
    func sessionFixation() async throws {
        try await PageTestHouse.run { house, browser in
            // A planted, well-formed id that the server never issued.
            let planted = CookieSecret().value
            browser.setCookie("__Host-gatehouse_session", planted)
            try await browser.signIn()
            let first = try #require(browser.cookie("__Host-gatehouse_session"))
            #expect(first != planted)

            // Signing in again while signed in (the form is reached through a stale tab's POST) replaces the id.
            let form = try await browser.get("/account/security")
            #expect(form.status == .ok)
            browser.setCookie("__Host-gatehouse_signin", CookieSecret().value)
            let login = try await browser.get("/login")  // signed in: straight to return_to
            #expect(login.status == .seeOther && login.location == "/account")
            let secret = try #require(browser.secret("__Host-gatehouse_signin"))
            let again = try await browser.post(
                "/login", ["csrf_token": CSRFToken.make(boundTo: secret), "return_to": "/account", "email": PageTestHouse.email,
                           "password": PageTestHouse.password])
            #expect(again.status == .seeOther)
            let second = try #require(browser.cookie("__Host-gatehouse_session"))
            #expect(second != first)
            let oldHash = try #require(CookieSecret(cookieValue: first)).hash
            #expect(try await house.storage.session(tenantID: house.tenant.id, idHash: oldHash) == nil)
        }
    }

    @Test("hostile return_to values fall back to /account", arguments: [
        "//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "evil.example",
        "/account#frag", "/ok\r\nLocation: https://evil.example", "", "/\u{00e9}",
    ])
    func hostileReturnTo(_ value: String) async throws {
        try await PageTestHouse.run { _, browser in
            let form = try await browser.get("/login?return_to=" + ReturnPath.queryEncoded(value))
            #expect(form.hiddenField("return_to") == "/account")
            let token = try #require(form.csrfToken)
            let response = try await browser.post(
                "/login", ["csrf_token": token, "return_to": value, "email": PageTestHouse.email, "password": PageTestHouse.password])
            #expect(response.status == .seeOther)
            #expect(response.location == "/account")
        }
    }

    @Test("a wrong password and an unknown email give byte-identical pages, and both run the argon2id check")
    func wrongPasswordMatchesUnknownEmail() async throws {
        try await PageTestHouse.run { house, browser in
            let form = try await browser.get("/login")
            let token = try #require(form.csrfToken)
            house.spies.verifiedHashes.withLock { $0.removeAll() }
            let wrongPassword = try await browser.post(
                "/login", ["csrf_token": token, "return_to": "/account", "email": "alice@example.com", "password": "not it"])
            let afterWrong = house.spies.verifiedHashes.withLock { $0 }
            let unknownEmail = try await browser.post(
                "/login", ["csrf_token": token, "return_to": "/account", "email": "nobody@example.com", "password": "not it"])
            let afterUnknown = house.spies.verifiedHashes.withLock { $0 }

            #expect(wrongPassword.status == .ok && unknownEmail.status == .ok)
            #expect(wrongPassword.body.contains(LoginPage.failureMessage))
            // The typed email is echoed back, so compare with it swapped out.
            #expect(wrongPassword.body.replacingOccurrences(of: "alice@example.com", with: "X")
                == unknownEmail.body.replacingOccurrences(of: "nobody@example.com", with: "X"))
            var wrongHeaders = wrongPassword.headers
            var unknownHeaders = unknownEmail.headers
            wrongHeaders[.contentLength] = nil
            unknownHeaders[.contentLength] = nil
            #expect(wrongHeaders == unknownHeaders)
            #expect(afterWrong == [house.user.passwordHash], "the wrong password is checked against the real hash")
            #expect(afterUnknown.count == 2, "the unknown email is checked too")
            let dummy = try #require(afterUnknown.last)
            #expect(dummy.hasPrefix("$argon2id$v=19$m=\(AuthPolicy.argon2MemoryKiB),t=\(AuthPolicy.argon2Iterations),p="))
            #expect(dummy != house.user.passwordHash)
            #expect(browser.cookie("__Host-gatehouse_session") == nil)
        }
    }

    @Test("one typed email gets byte-identical answers before its account exists (unknown) and after (wrong password)")
    func identicalBytesForSameEmail() async throws {
        try await PageTestHouse.run { house, browser in
            let form = try await browser.get("/login")
            let token = try #require(form.csrfToken)
            let unknown = try await browser.post(
                "/login", ["csrf_token": token, "return_to": "/account", "email": "bob@example.com", "password": "wrong password"])
            _ = try await house.addUser(email: "bob@example.com", password: "bob's real password")
            let wrong = try await browser.post(
                "/login", ["csrf_token": token, "return_to": "/account", "email": "bob@example.com", "password": "wrong password"])
            #expect(unknown.status == wrong.status)
            #expect(unknown.body == wrong.body)
            #expect(unknown.headers == wrong.headers)
        }
    }

    @Test("the application's own router serves the pages and resolves sessions (PageRoutes is wired in)")
    func wiredIntoApplication() async throws {
        try await AuthServerHTTPTests.withApplication { _, client in
            let login = try await client.execute(uri: "/login", method: .get) { $0 }
            #expect(login.status == .ok)
            #expect(login.headers[.contentType] == "text/html; charset=utf-8")
            #expect(login.headers[values: .setCookie].first?.hasPrefix("__Host-gatehouse_signin=") == true)
            let account = try await client.execute(uri: "/account", method: .get) { $0 }
            #expect(account.status == .seeOther && account.headers[.location] == "/login?return_to=/account")
            #expect(try await client.execute(uri: "/assets/gatehouse.css", method: .get) { $0.status } == .ok)
        }
    }
}
