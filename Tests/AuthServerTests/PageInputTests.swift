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
}
