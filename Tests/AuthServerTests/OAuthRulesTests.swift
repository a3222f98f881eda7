import Foundation
import Testing

@testable import AuthServerCore
import Shared

@Suite("Redirect URIs (RFC 8252 §7.3, OAuth 2.1 §4.1.3)")
struct RedirectURIPolicyTests {
    @Test(
        "registration accepts https, loopback http and reverse-domain private schemes",
        arguments: [
            "https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1/callback", "http://127.0.0.1:33418/callback", "http://[::1]:9/cb",
            "http://localhost:8080/callback", "com.example.app:/oauth2redirect", "https://chatgpt.com/connector/oauth/",
        ]
    )
    func registrationAccepts(uri: String) throws {
        try RedirectURIPolicy.validateForRegistration(uri)
    }

    @Test(
        "registration refuses what a redirect must never be",
        arguments: [
            ("http://example.com/callback", RedirectURIPolicy.Problem.insecure("http://example.com/callback")),
            ("https://example.com/cb#frag", .fragment("https://example.com/cb#frag")),
            ("/relative/callback", .notAbsolute("/relative/callback")),
            ("javascript:alert(1)", .forbiddenScheme("javascript:alert(1)")),
            ("myapp:/callback", .forbiddenScheme("myapp:/callback")),
            ("http://127.0.0.1.evil.com/cb", .insecure("http://127.0.0.1.evil.com/cb")),
        ]
    )
    func registrationRefuses(uri: String, problem: RedirectURIPolicy.Problem) {
        #expect(throws: problem) { try RedirectURIPolicy.validateForRegistration(uri) }
    }

    @Test("exact match, and loopback ports ignored for 127.0.0.1, [::1] and localhost (RFC 8252 §7.3)")
    func loopbackPorts() {
        let registered = ["http://127.0.0.1/callback", "http://localhost/callback", "http://[::1]/cb", "https://app.example.com/cb"]
        #expect(RedirectURIPolicy.matches(requested: "https://app.example.com/cb", registered: registered))
        #expect(RedirectURIPolicy.matches(requested: "http://127.0.0.1:53682/callback", registered: registered))
        #expect(RedirectURIPolicy.matches(requested: "http://localhost:3000/callback", registered: registered))
        #expect(RedirectURIPolicy.matches(requested: "http://[::1]:4000/cb", registered: registered))
        // The path and query still have to match, and https ports are not loopback ports.
        #expect(!RedirectURIPolicy.matches(requested: "http://127.0.0.1:53682/other", registered: registered))
        #expect(!RedirectURIPolicy.matches(requested: "http://127.0.0.1:53682/callback?x=1", registered: registered))
        #expect(!RedirectURIPolicy.matches(requested: "https://app.example.com:8443/cb", registered: registered))
        #expect(!RedirectURIPolicy.matches(requested: "https://app.example.com/cb/", registered: registered))
        // A loopback host never stands in for another one.
        #expect(!RedirectURIPolicy.matches(requested: "http://127.0.0.1:1/cb", registered: ["http://localhost/cb"]))
    }

    @Test("ChatGPT's per-connector callbacks match its prefix, on chatgpt.com only, and only for a pinned document")
    func chatGPTPrefix() {
        let registered = ["https://chatgpt.com/connector/oauth/", "https://chatgpt.com/connector_platform_oauth_redirect"]
        // A registration (or an unpinned document) that lists the bare prefix gets exact matching only.
        #expect(!RedirectURIPolicy.matches(requested: "https://chatgpt.com/connector/oauth/abc_DEF-123", registered: registered))
        #expect(RedirectURIPolicy.matches(requested: "https://chatgpt.com/connector/oauth/", registered: registered))
        func matches(requested: String, registered: [String]) -> Bool {
            RedirectURIPolicy.matches(requested: requested, registered: registered, trustsConnectorPrefix: true)
        }
        #expect(matches(requested: "https://chatgpt.com/connector/oauth/abc_DEF-123", registered: registered))
        #expect(matches(requested: "https://chatgpt.com/connector_platform_oauth_redirect", registered: registered))
        #expect(!matches(requested: "https://chatgpt.com/connector/oauth/", registered: ["https://chatgpt.com/connector/oauth/x"]))
        #expect(!matches(requested: "https://chatgpt.com/connector/oauth/../evil", registered: registered))
        #expect(!matches(requested: "https://chatgpt.com/connector/oauth/a/b", registered: registered))
        #expect(!matches(requested: "https://chatgpt.com.evil.com/connector/oauth/abc", registered: registered))
        #expect(!matches(requested: "https://evil.com/connector/oauth/abc", registered: registered))
        // Without the prefix registered, a callback under it is just an unknown URI.
        #expect(!matches(requested: "https://chatgpt.com/connector/oauth/abc", registered: ["https://claude.ai/cb"]))
    }

    @Test("native-app redirects (RFC 8252 §8.6): loopback and private-use schemes, not https or other http")
    func nativeAppRedirects() {
        for uri in ["http://127.0.0.1:5123/cb", "http://localhost/cb", "http://[::1]:9/cb", "com.example.app:/oauth", "cursor://anysphere.cursor-retrieval/cb"] {
            #expect(RedirectURIPolicy.isNativeApp(uri), "\(uri)")
        }
        for uri in ["https://claude.ai/api/mcp/auth_callback", "https://127.0.0.1/cb", "http://example.com/cb", "not a uri"] {
            #expect(!RedirectURIPolicy.isNativeApp(uri), "\(uri)")
        }
    }
}

@Suite("Resource indicators (RFC 8707)")
struct ResourceIndicatorTests {
    let resource = "https://desk.example.com/mcp"

    @Test("a missing resource defaults to the tenant's (Claude Code 2.1.251 sends none)")
    func defaulted() {
        #expect(ResourceIndicator.resolve([], tenantResource: resource) == .resource(resource))
    }

    @Test("scheme and host case are normalised; the path is not")
    func normalised() {
        #expect(ResourceIndicator.resolve(["HTTPS://Desk.Example.COM/mcp"], tenantResource: resource) == .resource(resource))
        guard case .invalidTarget = ResourceIndicator.resolve(["https://desk.example.com/MCP"], tenantResource: resource) else {
            Issue.record("path case must matter")
            return
        }
    }

    @Test("a root slash is the same resource as none (Claude hosted adds one to host-only URLs)")
    func rootSlash() {
        #expect(ResourceIndicator.resolve(["https://desk.example.com/"], tenantResource: "https://desk.example.com") == .resource("https://desk.example.com"))
        #expect(ResourceIndicator.resolve(["https://desk.example.com"], tenantResource: "https://desk.example.com/") == .resource("https://desk.example.com/"))
    }

    @Test(
        "anything else is invalid_target",
        arguments: ["https://other.example.com/mcp", "https://desk.example.com/mcp/", "https://desk.example.com/mcp#x", "/mcp", "not a uri", ""]
    )
    func refused(value: String) {
        guard case .invalidTarget = ResourceIndicator.resolve([value], tenantResource: resource) else {
            Issue.record("\(value) was accepted")
            return
        }
    }

    @Test("two resources cannot be bound to one grant here")
    func two() {
        guard case .invalidTarget = ResourceIndicator.resolve([resource, resource], tenantResource: resource) else {
            Issue.record("two resources were accepted")
            return
        }
    }
}

@Suite("PKCE (RFC 7636)")
struct PKCETests {
    /// RFC 7636 Appendix B.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test("the RFC's example verifies, and nothing else does")
    func example() {
        #expect(PKCE.isValidChallenge(challenge))
        #expect(PKCE.verify(verifier: verifier, challenge: challenge))
        #expect(!PKCE.verify(verifier: verifier + "x", challenge: challenge))
        #expect(!PKCE.verify(verifier: challenge, challenge: challenge))
        // `plain` would accept the verifier as its own challenge; S256 never does.
        #expect(!PKCE.verify(verifier: verifier, challenge: verifier))
    }

    @Test("verifier syntax: 43 to 128 unreserved characters", arguments: [String(repeating: "a", count: 42), String(repeating: "a", count: 129), String(repeating: "a", count: 42) + "+", String(repeating: "é", count: 43)])
    func badVerifiers(value: String) {
        #expect(!PKCE.isValidVerifier(value))
    }

    @Test("challenge syntax: exactly 43 base64url characters", arguments: ["", "short", String(repeating: "A", count: 44), String(repeating: "=", count: 43)])
    func badChallenges(value: String) {
        #expect(!PKCE.isValidChallenge(value))
    }
}

@Suite("Scopes (RFC 6749 §3.3)")
struct ScopeCatalogTests {
    @Test("leading spaces, repeats and unknown scopes: parsed tolerantly, unknown ones dropped")
    func tolerant() throws {
        let parsed = try #require(ScopeList.parse(" offline_access  tickets:read claudeai tickets:read"))
        #expect(parsed == ["offline_access", "tickets:read", "claudeai"])
        #expect(ScopeCatalog.narrow(parsed, to: .technician) == ["offline_access", "tickets:read"])
    }

    @Test("a request is narrowed to what the person's role may hold")
    func roles() {
        let asked = ["rules:run", "billing:read", "notes:write", "tickets:read"]
        #expect(ScopeCatalog.narrow(asked, to: .admin) == asked)
        #expect(ScopeCatalog.narrow(asked, to: .technician) == ["notes:write", "tickets:read"])
        #expect(ScopeCatalog.narrow(asked, to: .company) == ["billing:read", "tickets:read"])
        #expect(ScopeCatalog.everything(for: .company).contains("offline_access"))
        #expect(!ScopeCatalog.everything(for: .company).contains("rules:run"))
    }
}

@Suite("Authorization responses (RFC 6749 §4.1.2, RFC 9207)")
struct AuthorizationResponseTests {
    @Test("iss on every redirect, state echoed exactly, values form-encoded, existing query kept (RFC 9207 §2, RFC 6749 §4.1.2)")
    func redirect() {
        let success = AuthorizationResponse.redirect(
            to: "https://app.example.com/cb?tenant=a", parameters: [("code", "c1"), ("state", "a b&c=d/é")], issuer: "https://auth.example.com")
        #expect(success == "https://app.example.com/cb?tenant=a&code=c1&state=a%20b%26c%3Dd%2F%C3%A9&iss=https%3A%2F%2Fauth.example.com")
        let error = AuthorizationResponse.error(.accessDenied("no"), redirectURI: "http://127.0.0.1:5/cb", state: nil, issuer: "https://a.example")
        #expect(error == "http://127.0.0.1:5/cb?error=access_denied&error_description=no&iss=https%3A%2F%2Fa.example")
    }
}

@Suite("Form parameters (RFC 6749 Appendix B, §3.1)")
struct FormParametersTests {
    @Test("decodes + and percent escapes; repeats refused where a single value is asked for")
    func decoding() throws {
        let form = try FormParameters(encoded: "a=1+2%2B3&b=&resource=x&resource=y&c")
        #expect(try form.single("a") == "1 2+3")
        #expect(try form.single("b") == nil)
        #expect(try form.single("c") == nil)
        #expect(form.all("resource") == ["x", "y"])
        #expect(throws: OAuthError.invalidRequest("The parameter resource appears more than once")) { try form.single("resource") }
    }

    /// The authorization-request fuzz harness checks this too: split by Characters, "&\u{301}" was no separator.
    @Test("& and = separate even when a combining mark follows them, as in every other form parser")
    func separatorsBeforeCombiningMarks() throws {
        let form = try FormParameters(encoded: "state=1&\u{301}client_id=x&a=\u{301}&b+\u{301}=2")
        #expect(form.names == ["state", "\u{301}client_id", "a", "b \u{301}"])
        #expect(try form.single("state") == "1")
        #expect(try form.single("a") == "\u{301}")
        #expect(try form.single("b \u{301}") == "2")
    }

    @Test("broken percent escapes are an invalid_request, not a crash")
    func broken() {
        #expect(throws: OAuthError.self) { try FormParameters(encoded: "a=%ZZ") }
        #expect(throws: OAuthError.self) { try FormParameters(encoded: "a=%E9") }
        for truncated in ["a=%", "a=%4", "a%=1", "%G1=1"] {
            #expect(throws: OAuthError.self, "\(truncated)") { try FormParameters(encoded: Substring(truncated)) }
        }
    }

    @Test("escapes in either case, multi-byte UTF-8 and a NUL decode as any form parser decodes them")
    func escapes() throws {
        let form = try FormParameters(encoded: "a=%c3%A9t%C3%A9&b=%00&c=%25%2b+")
        #expect(try form.single("a") == "été")
        #expect(try form.single("b") == "\u{0}")
        #expect(try form.single("c") == "%+ ")
    }
}
