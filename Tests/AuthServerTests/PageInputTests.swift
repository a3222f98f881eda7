import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// The small parsers and checks the pages trust: return_to, form bodies, cookie secrets, CSRF tokens, and the throttle.
@Suite("Page inputs")
struct PageInputTests {
    @Test("return_to keeps local paths with their query", arguments: [
        "/account", "/account/apps", "/oauth/authorize?response_type=code&client_id=https%3A%2F%2Fclaude.ai%2Fx&state=a%20b", "/",
    ])
    func localReturnPaths(_ path: String) {
        #expect(ReturnPath.sanitise(path) == path)
    }

    @Test("return_to refuses other hosts, schemes, backslashes, fragments, controls, non-ASCII and overlong values", arguments: [
        "//evil.example", "///evil.example", "/\\evil.example", "\\/evil.example", "https://evil.example/account", "javascript:alert(1)",
        "account", "", " /account", "/account\t", "/account\r\nSet-Cookie: x=y", "/a#b", "/caf\u{00e9}", "/%0a ok",
        "/" + String(repeating: "a", count: AuthPolicy.Pages.maximumReturnPathLength),
    ])
    func hostileReturnPaths(_ path: String) {
        #expect(ReturnPath.sanitise(path) == ReturnPath.fallback)
    }

    @Test("the sign-in URL carries return_to percent-encoded, and only after sanitising it")
    func signInURL() {
        #expect(ReturnPath.signInURL(returningTo: "/account/apps") == "/login?return_to=/account/apps")
        #expect(ReturnPath.signInURL(returningTo: "/oauth/authorize?a=1&b=%2F") == "/login?return_to=/oauth/authorize%3Fa%3D1%26b%3D%252F")
        #expect(ReturnPath.signInURL(returningTo: "//evil.example") == "/login?return_to=/account")
    }

    @Test("form bodies: plus is a space, percent-escapes decode, empty values count, repeats and bad escapes are refused")
    func formParsing() throws {
        let form = try #require(PageForm.parse("email=alice%40example.com&password=a+b%2Bc&empty=&flag&return_to=%2Fx%3Fa%3D1%26b"))
        #expect(form["email"] == "alice@example.com")
        #expect(form["password"] == "a b+c")
        #expect(form["empty"] == "")
        #expect(form["flag"] == "")
        #expect(form["return_to"] == "/x?a=1&b")
        #expect(form["missing"] == nil)
        #expect(PageForm.parse("")?.fields == [:])
        #expect(PageForm.parse("a=1&a=2") == nil)
        #expect(PageForm.parse("a=%ZZ") == nil)
        #expect(PageForm.parse("a=%E0%A4") == nil, "invalid UTF-8")
        #expect(PageForm.parse("email=a&\u{301}password=b")?.fields == ["email": "a", "\u{301}password": "b"], "& before a combining mark")
    }

    @Test("cookie secrets are 256-bit base64url, anything else in a cookie is ignored, and only the SHA-256 is a key")
    func cookieSecrets() throws {
        let secret = CookieSecret()
        #expect(secret.value.utf8.count == 43)
        #expect(CookieSecret(cookieValue: secret.value) == secret)
        #expect(secret.hash.count == 64 && secret.hash != secret.value)
        #expect(secret.hash == CookieSecret(cookieValue: secret.value)?.hash)
        #expect(CookieSecret().value != secret.value)
        for hostile in ["", "abc", String(secret.value.dropLast()), secret.value + "A", String(repeating: "+", count: 43), "' OR 1=1 --"] {
            #expect(CookieSecret(cookieValue: hostile) == nil, "\(hostile)")
        }
    }

    @Test("a CSRF token is valid only for the cookie it was made from")
    func csrfTokens() {
        let secret = CookieSecret()
        let token = CSRFToken.make(boundTo: secret)
        #expect(CSRFToken.isValid(token, boundTo: secret))
        #expect(token == CSRFToken.make(boundTo: secret), "stable for one cookie")
        #expect(!CSRFToken.isValid(token, boundTo: CookieSecret()))
        #expect(!CSRFToken.isValid(nil, boundTo: secret))
        #expect(!CSRFToken.isValid("", boundTo: secret))
        #expect(!CSRFToken.isValid(secret.value, boundTo: secret), "the cookie itself is not the token")
        #expect(!CSRFToken.isValid(String(token.dropLast()) + (token.last == "A" ? "B" : "A"), boundTo: secret))
        #expect(!CSRFToken.isValid(token + "=", boundTo: secret))
        #expect(!CSRFToken.isValid(String(repeating: token, count: 100), boundTo: secret))
    }

    @Test("throttle: free failures, doubling delays up to the cap, then refusal until the window moves on")
    func throttleSchedule() {
        let throttle = SignInThrottle()
        let key = SignInThrottle.Key.account(tenantID: "t", rawEmail: "Alice@Example.com ")
        #expect(key == .account(tenantID: "t", email: "alice@example.com"))
        let start = Date(timeIntervalSince1970: 1_000_000)
        var verdicts: [SignInThrottle.Verdict] = []
        for index in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount {
            let now = start.addingTimeInterval(Double(index))
            verdicts.append(throttle.admit([key], at: now))
            throttle.recordFailure(for: [key], at: now)
        }
        #expect(verdicts == [
            .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero), .allow(delay: .zero),
            .allow(delay: .seconds(1)), .allow(delay: .seconds(2)), .allow(delay: .seconds(4)), .allow(delay: .seconds(8)),
            .allow(delay: .seconds(8)),
        ])
        // Locked until the first failure is a window old.
        #expect(throttle.admit([key], at: start.addingTimeInterval(10)) == .refuse(retryAfter: .seconds(890)))
        #expect(throttle.admit([key], at: start.addingTimeInterval(899)) == .refuse(retryAfter: .seconds(1)))
        #expect(throttle.admit([key], at: start.addingTimeInterval(900)) == .allow(delay: .seconds(8)))
        #expect(throttle.admit([key], at: start.addingTimeInterval(2000)) == .allow(delay: .zero))
        // Another account and another tenant's same email are counted apart.
        #expect(throttle.admit([.account(tenantID: "t", email: "bob@example.com")], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
        #expect(throttle.admit([.account(tenantID: "u", email: "alice@example.com")], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
        // A success clears the account.
        throttle.recordSuccess(for: key)
        #expect(throttle.admit([key], at: start.addingTimeInterval(10)) == .allow(delay: .zero))
    }

    @Test("throttle: an address gets more room than an account, and the strictest key wins")
    func throttleAddresses() {
        let throttle = SignInThrottle()
        let now = Date(timeIntervalSince1970: 1_000_000)
        let office = SignInThrottle.Key.client(ClientAddress(IPAddress("203.0.113.7")!))
        for index in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAddress {
            throttle.recordFailure(for: [.account(tenantID: "t", email: "user\(index)@example.com"), office], at: now)
        }
        let fresh: SignInThrottle.Key = .account(tenantID: "t", email: "new@example.com")
        let locked: SignInThrottle.Key = .account(tenantID: "t", email: "user0@example.com")
        for _ in 0..<AuthPolicy.SignInThrottle.lockoutFailuresPerAccount { throttle.recordFailure(for: [locked], at: now) }
        #expect(throttle.admit([fresh, .client(ClientAddress(IPAddress("198.51.100.1")!))], at: now) == .allow(delay: .zero))
        #expect(throttle.admit([fresh, .client(nil)], at: now) == .allow(delay: .zero))
        #expect(throttle.admit([locked, office], at: now) == .refuse(retryAfter: .seconds(900)), "the locked account wins")
        #expect(throttle.admit([fresh, office], at: now) == .allow(delay: .zero), "a refused attempt took no turn")
        #expect(throttle.admit([fresh, office], at: now) == .allow(delay: .seconds(1)))
    }

    @Test("throttle: an address past its free failures is spaced out, however many attempts arrive at once, and never locked")
    func throttleSpacesAddresses() {
        let throttle = SignInThrottle()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let office = SignInThrottle.Key.client(ClientAddress(IPAddress("2001:db8:5:6::1")!))
        let sameSubnet = SignInThrottle.Key.client(ClientAddress(IPAddress("2001:db8:5:6:ffff::2")!))
        #expect(office == sameSubnet, "an IPv6 address counts by its /64")
        for _ in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAddress { throttle.recordFailure(for: [office], at: start) }
        // A burst at one instant: each attempt gets the next turn, a second apart, until the wait would pass the cap.
        let waitCap = Int(AuthPolicy.SignInThrottle.maximumAddressWait.components.seconds)
        let burst = (0...waitCap).map { _ in throttle.admit([office], at: start) }
        #expect(burst == (0...waitCap).map { .allow(delay: .seconds($0)) })
        #expect(throttle.admit([office], at: start) == .refuse(retryAfter: .seconds(waitCap + 1)))
        // Seconds later, not a window later, the address is let in again.
        #expect(throttle.admit([office], at: start.addingTimeInterval(Double(waitCap + 1))) == .allow(delay: .zero))
        // More failures space turns further apart, up to the longest delay.
        for _ in 0..<10 { throttle.recordFailure(for: [office], at: start.addingTimeInterval(100)) }
        #expect(throttle.admit([office], at: start.addingTimeInterval(200)) == .allow(delay: .zero))
        #expect(throttle.admit([office], at: start.addingTimeInterval(200)) == .allow(delay: AuthPolicy.SignInThrottle.maximumDelay))
        // Once the failures leave the window, nothing is held against the address.
        let later = start.addingTimeInterval(100 + AuthPolicy.SignInThrottle.window)
        #expect(throttle.admit([office], at: later) == .allow(delay: .zero))
        #expect(throttle.admit([office], at: later) == .allow(delay: .zero))
    }

    @Test("throttle memory is bounded: past the key limit the stalest keys are forgotten")
    func throttleIsBounded() {
        let throttle = SignInThrottle(maximumTrackedKeys: 8)
        let start = Date(timeIntervalSince1970: 1_000_000)
        let first: SignInThrottle.Key = .account(tenantID: "t", email: "first@example.com")
        for _ in 0..<AuthPolicy.SignInThrottle.freeFailuresPerAccount { throttle.recordFailure(for: [first], at: start) }
        #expect(throttle.admit([first], at: start) == .allow(delay: .seconds(1)))
        for index in 0..<8 { throttle.recordFailure(for: [.address("192.0.2.\(index + 2)")], at: start.addingTimeInterval(1)) }
        #expect(throttle.admit([first], at: start.addingTimeInterval(1)) == .allow(delay: .zero), "the stalest key made room")
    }
}
