import Foundation
import Hummingbird
import Testing

@testable import AuthServerCore

/// Templates rendered straight from page values: what the consent and connected-apps pages show, and that
/// everything a client or person typed is escaped.
@Suite("Page rendering")
struct PageRenderingTests {
    static let hostile = #"<script>alert(1)</script>"#

    static func consent(
        clientName: String = "Claude", clientHost: String? = "claude.ai", redirectHost: String = "claude.ai", loopback: Bool = false,
        scopes: [ConsentPage.Scope] = [.init(name: "tickets:read", description: "Read your tickets")]
    ) -> ConsentPage {
        ConsentPage(
            clientName: clientName, clientHost: clientHost, redirectHost: redirectHost, isNativeAppRedirect: loopback, scopes: scopes,
            email: "alice@example.com", requestID: "req_123", csrfToken: "tok_456")
    }

    @Test("consent shows client name, verified host, redirect host, scopes in words, and the exact form")
    func consentPage() async throws {
        let renderer = try await PageRenderer()
        let response = renderer.response(Self.consent())
        #expect(response.status == .ok)
        #expect(response.headers[.contentSecurityPolicy] == PageSecurityHeaders.contentSecurityPolicy)
        let html = renderer.html(Self.consent())
        #expect(html.contains("<title>Allow Claude? · Gatehouse</title>"))
        #expect(html.contains("<h1>Allow Claude to use your account?</h1>"))
        #expect(html.contains(#"<span class="host">from claude.ai</span>"#))
        #expect(html.contains(#"<dd class="host">claude.ai</dd>"#))
        #expect(html.contains("Read your tickets") && html.contains("<code>tickets:read</code>"))
        #expect(html.contains("alice@example.com"))
        #expect(html.contains(#"<form class="decision" method="post" action="/consent">"#))
        #expect(html.contains(#"<input type="hidden" name="request" value="req_123">"#))
        #expect(html.contains(#"<input type="hidden" name="csrf_token" value="tok_456">"#))
        #expect(html.contains(#"<button name="decision" value="allow">"#))
        #expect(html.contains(#"<button name="decision" value="deny">"#))
        #expect(!html.contains("unverified"))
        #expect(!html.contains("runs on this computer"))
    }

    @Test("a DCR client is shown as unverified, and a loopback redirect gets the warning")
    func consentWarnings() async throws {
        let renderer = try await PageRenderer()
        let html = renderer.html(Self.consent(clientHost: nil, redirectHost: "127.0.0.1", loopback: true))
        #expect(html.contains(#"<span class="badge badge-warning">unverified</span>"#))
        #expect(html.contains("This app runs on this computer."))
        #expect(html.contains(#"<dd class="host">127.0.0.1</dd>"#))
        let none = renderer.html(Self.consent(scopes: []))
        #expect(none.contains("Know who you are, and nothing more."))
        #expect(!none.contains(#"<ul class="scopes">"#))
    }

    @Test("a device's consent names no redirect and warns that a device elsewhere would act as the person (RFC 8628 §5.4)")
    func deviceConsent() async throws {
        let renderer = try await PageRenderer()
        var page = Self.consent(clientName: "Gatehouse command line", clientHost: nil)
        page.redirectHost = nil
        let html = renderer.html(page)
        #expect(html.contains("<dt>Signs in</dt>") && html.contains("A device elsewhere, with the code you entered"))
        #expect(html.contains(#"<div class="alert alert-warning" role="note" id="device-warning">"#))
        #expect(html.contains("Approving lets a device elsewhere act as you."))
        #expect(!html.contains("Sends you back to"))
        #expect(!renderer.html(Self.consent()).contains("device-warning"))
        // The command line is Gatehouse's own: not "unverified", and no "named itself" note.
        #expect(html.contains("unverified") && html.contains("named itself"), "any other client without a verified host")
        page.isFirstParty = true
        let own = renderer.html(page)
        #expect(own.contains(#"<span class="badge">part of Gatehouse</span>"#))
        #expect(!own.contains("unverified") && !own.contains("named itself"))
    }

    @Test("the device page: the code field for phones, the signed-in person, and both answers, all escaped")
    func devicePage() async throws {
        let renderer = try await PageRenderer()
        let form = renderer.html(DevicePage(email: "<u>@example.com", csrfToken: "tok", userCode: #""><b>"#, message: Self.hostile))
        #expect(form.contains(#"<input id="user_code" name="user_code" type="text" value="&quot;&gt;&lt;b&gt;" autocapitalize="characters" autocomplete="off""#))
        #expect(form.contains(#"<form class="stack" method="post" action="/device">"#))
        #expect(form.contains(#"<input type="hidden" name="csrf_token" value="tok">"#))
        #expect(form.contains("&lt;u&gt;@example.com") && !form.contains("<u>") && !form.contains("<script"))
        let approved = renderer.html(DevicePage(email: "a@example.com", csrfToken: "tok", answer: .init(approved: true, clientName: Self.hostile)))
        #expect(approved.contains("Your device is signed in") && approved.contains("&lt;script&gt;") && !approved.contains("<form class=\"stack\""))
        let denied = renderer.html(DevicePage(email: "a@example.com", csrfToken: "tok", answer: .init(approved: false, clientName: "CLI")))
        #expect(denied.contains("Request denied") && !denied.contains("Your device is signed in"))
    }

    @Test("a hostile client name, host, scope and email are escaped everywhere they appear")
    func consentEscaping() async throws {
        let renderer = try await PageRenderer()
        let page = ConsentPage(
            clientName: Self.hostile, clientHost: #""><img src=x>"#, redirectHost: "evil'\"host", isNativeAppRedirect: true,
            scopes: [.init(name: "<b>x</b>", description: "&amp; <i>")], email: "<u>@example.com",
            requestID: #""><script>"#, csrfToken: "'")
        let html = renderer.html(page)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>x") && !html.contains("<i>") && !html.contains("<u>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<title>Allow &lt;script&gt;alert(1)&lt;/script&gt;? · Gatehouse</title>"))
        #expect(html.contains("&amp;amp; &lt;i&gt;"))
        #expect(html.contains(#"value="&quot;&gt;&lt;script&gt;""#))
        #expect(html.contains("evil&#39;&quot;host"))
    }

    @Test("connected apps: one card per grant with a revoke form, owners only for admins, unverified and first-party shown")
    func connectedApps() async throws {
        let renderer = try await PageRenderer()
        let signedIn = SignedInSession(
            session: BrowserSession(
                tenantID: "acme", idHash: "h", userID: "usr_1", createdAt: .now, lastSeenAt: .now, authTime: .now,
                authenticationMethods: ["pwd"]),
            user: User(tenantID: "acme", id: "usr_1", email: "admin@example.com", passwordHash: "", role: .admin, companyID: nil, createdAt: .now),
            secret: CookieSecret())
        let first = Date(timeIntervalSince1970: 1_800_000_000)
        let apps = [
            ConnectedAppsPage.App(
                grantID: "grant_1", clientName: Self.hostile, clientHost: nil, isFirstParty: false, firstAuthorised: first,
                lastAuthorised: first.addingTimeInterval(3600), scopes: ["tickets:read", "offline_access"], activeRefreshTokens: 2,
                ownerEmail: "bob@example.com"),
            ConnectedAppsPage.App(
                grantID: "grant_2", clientName: "Gatehouse CLI", clientHost: "gatehouse.example.com", isFirstParty: true,
                firstAuthorised: first, lastAuthorised: first, scopes: [], activeRefreshTokens: 0),
        ]
        let html = renderer.html(ConnectedAppsPage(signedIn: signedIn, apps: apps, showsOwners: true, notice: "Done."))
        #expect(html.components(separatedBy: #"<form method="post" action="/account/apps/revoke">"#).count == 3)
        #expect(html.contains(#"<input type="hidden" name="grant_id" value="grant_1">"#))
        #expect(html.components(separatedBy: #"name="csrf_token" value="\#(signedIn.csrfToken)""#).count == 4, "two revokes and sign-out")
        #expect(html.contains(#"<span class="badge badge-warning">unverified</span>"#))
        #expect(html.contains(#"<span class="host">gatehouse.example.com</span>"#))
        #expect(html.contains("first-party") && html.contains("external"))
        #expect(html.contains("bob@example.com"))
        #expect(html.contains(#"<time datetime="2027-01-15T08:00:00Z">15 Jan 2027, 08:00 UTC</time>"#))
        #expect(html.contains("<code>tickets:read</code> <code>offline_access</code>"))
        #expect(html.contains("<dd>2</dd>"))
        #expect(html.contains("accounts in this organisation"))
        #expect(html.contains(#"<a href="/account/apps" aria-current="page">"#))
        #expect(!html.contains("<script"))

        let empty = renderer.html(ConnectedAppsPage(signedIn: signedIn, apps: [], showsOwners: false))
        #expect(empty.contains("No apps are connected."))
        #expect(empty.contains("your account"))
        #expect(!empty.contains(#"<ul class="apps">"#))
    }

    @Test("an error page has its status, title and message, escaped")
    func errorPage() async throws {
        let renderer = try await PageRenderer()
        let response = renderer.response(ErrorPage(status: .badRequest, title: "Bad <client>", message: Self.hostile))
        #expect(response.status == .badRequest)
        let html = renderer.html(ErrorPage(status: .badRequest, title: "Bad <client>", message: Self.hostile))
        #expect(html.contains("<h1>Bad &lt;client&gt;</h1>"))
        #expect(!html.contains("<script"))
        #expect(renderer.response(ErrorPage.notFound).status == .notFound)
    }

    @Test("a templates folder that lacks a page template fails at start, not at the first request")
    func missingTemplateFailsStart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "{{$main}}{{/main}}".write(toFile: directory.file("layout.mustache"), atomically: true, encoding: .utf8)
        await #expect(throws: PageRendererError.self) { try await PageRenderer(directory: directory.path) }
        try "{{#broken}}".write(toFile: directory.file("login.mustache"), atomically: true, encoding: .utf8)
        await #expect(throws: (any Error).self) { try await PageRenderer(directory: directory.path) }
    }

    @Test("the shipped templates never use triple mustaches or {{& }} tags, and hold no script")
    func templatesEscapeEverything() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/AuthServer/Core/Pages/Templates")
        for template in PageTemplate.allCases {
            let text = try String(contentsOf: folder.appendingPathComponent(template.rawValue + ".mustache"), encoding: .utf8)
            #expect(!text.contains("{{{"), "\(template)")
            #expect(!text.contains("{{&"), "\(template)")
            #expect(!text.lowercased().contains("<script"), "\(template)")
            #expect(text.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(template) has no event handler attribute")
        }
    }
}
