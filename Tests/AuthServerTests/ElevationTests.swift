import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

extension OAuthHouse {
    /// The claims of an access token as issued, whatever the clock says now.
    func issuedClaims(_ response: TokenResponse) throws -> AccessTokenClaims {
        try JSONDecoder().decode(AccessTokenClaims.self, from: try #require(CompactJWS(response.accessToken)).payload)
    }

    /// Authorizes `scope` through the consent page, answering it with `method` entered at `now`.
    func elevatedCode(scope: String, method: AuthenticationMethod?, now: Date, extra: [String: String?] = [:]) async throws -> Outcome {
        guard case .consent(let requestID) = try await flow.authorize(
            query: query(["scope": scope].merging(extra) { $1 }), tenant: tenant, person: person, address: nil, now: now)
        else { throw TestFailure("no consent page") }
        return try await flow.decide(requestID: requestID, allow: true, elevatedBy: method, tenant: tenant, person: person, now: now)
    }

    typealias Outcome = AuthorizationFlow.Decision?
}

/// Elevation (docs/tokens.md § MFA elevation): `mfa` only with a code entered for the request, stamped into the
/// token, living no longer than the window, and gone from the next refresh after it.
@Suite("MFA elevation")
struct ElevationTests {
    @Test("mfa is a scope the auth-server knows and grants to every role, never by default")
    func catalogue() {
        #expect(ScopeCatalog.names.contains(Elevation.scope))
        for role in Role.allCases {
            #expect(ScopeCatalog.narrow(["mfa"], to: role) == ["mfa"])
            #expect(!ScopeCatalog.everything(for: role).contains("mfa"), "a request without scope does not elevate")
        }
    }

    @Test("a request for mfa always shows the consent page and needs a code: allowing without one gives nothing")
    func needsACode() async throws {
        let house = try await OAuthHouse.make(redirect: OAuthHouse.webRedirect)
        defer { house.remove() }
        _ = try await house.authorizeAndAllow(["scope": "tickets:write"])
        // Consent remembered for tickets:write, and still the page for mfa, because a code must be entered now.
        guard case .consent(let requestID) = try await house.flow.authorize(
            query: house.query(["scope": "tickets:write mfa"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        else { throw TestFailure("an elevation was answered silently") }
        let pending = try #require(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date()))
        #expect(pending.0.stepUp)
        #expect(try await house.flow.decide(requestID: requestID, allow: true, tenant: house.tenant, person: house.person, now: Date()) == nil)
        #expect(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date()) != nil, "still open")
        // prompt=none cannot enter a code.
        guard case .redirect(let location) = try await house.flow.authorize(
            query: house.query(["scope": "tickets:write mfa", "prompt": "none"]), tenant: house.tenant, person: house.person, address: nil, now: Date()),
            URLComponents(string: location)?.parameter("error") == "interaction_required"
        else { throw TestFailure("prompt=none with mfa") }
    }

    @Test("the elevated token carries mfa, auth_time of the code, acr mfa and amr, and lives no longer than the window")
    func elevatedToken() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let enteredAt = Date().addingTimeInterval(-100)
        guard case .redirect(let location)? = try await house.elevatedCode(scope: "tickets:write mfa offline_access", method: .oneTimePassword, now: enteredAt),
            let code = URLComponents(string: location)?.parameter("code")
        else { throw TestFailure("no code") }
        let exchangedAt = enteredAt.addingTimeInterval(5)
        let response = try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: exchangedAt)
        let claims = try house.issuedClaims(response)
        #expect(claims.scopes.contains("mfa") && response.scope.contains("mfa"))
        #expect(claims.authTime == Int64(enteredAt.timeIntervalSince1970))
        #expect(claims.acr == AuthenticationContext.multiFactor.rawValue)
        #expect(claims.amr == ["pwd", "otp", "mfa"])
        #expect(claims.expiresAt == Int64(enteredAt.timeIntervalSince1970) + Int64(Elevation.defaultWindowSeconds), "ends with the elevation")
        #expect(response.expiresIn == claims.expiresAt - claims.issuedAt)

        // A refresh inside the window keeps mfa, bounded by the window; after it, mfa is gone and the rest stays.
        let refresh = try #require(response.refreshToken)
        let inside = try await house.refreshGrant().exchange(
            try house.form(["grant_type": "refresh_token", "refresh_token": refresh]), client: house.client, tenant: house.tenant,
            now: enteredAt.addingTimeInterval(600))
        let insideClaims = try house.issuedClaims(inside)
        #expect(insideClaims.scopes.contains("mfa") && insideClaims.expiresAt == claims.expiresAt)
        let insideRefresh = try #require(inside.refreshToken)
        let after = try await house.refreshGrant().exchange(
            try house.form(["grant_type": "refresh_token", "refresh_token": insideRefresh]), client: house.client,
            tenant: house.tenant, now: enteredAt.addingTimeInterval(TimeInterval(Elevation.defaultWindowSeconds) + 1))
        let afterClaims = try house.issuedClaims(after)
        #expect(!afterClaims.scopes.contains("mfa") && afterClaims.scopes.contains("tickets:write"))
        #expect(!after.scope.contains("mfa"))
        #expect(afterClaims.expiresAt - afterClaims.issuedAt == AuthPolicy.accessTokenMaxLifetime)
        #expect(afterClaims.authTime == Int64(house.person.authentication.authTime.timeIntervalSince1970), "back to the sign-in's time")
        #expect(afterClaims.acr == AuthenticationContext.singleFactor.rawValue && afterClaims.amr == ["pwd"])
        // And the refresh token of that answer no longer carries it either.
        let afterRefresh = try #require(after.refreshToken)
        let stored = try #require(try await house.environment.storage.refreshToken(tenantID: house.tenant.id, tokenHash: OpaqueToken.hash(afterRefresh)))
        #expect(!stored.scopes.contains("mfa") && stored.authentication.elevatedAt == nil)
        // Asking again, with a new code, gives it back.
        guard case .redirect(let again)? = try await house.elevatedCode(scope: "tickets:write mfa", method: .recoveryCode, now: Date()),
            let newCode = URLComponents(string: again)?.parameter("code")
        else { throw TestFailure("no second elevation") }
        let back = try await house.codeGrant.exchange(try house.codeForm(newCode), client: house.client, tenant: house.tenant, now: Date())
        #expect(try house.issuedClaims(back).scopes.contains("mfa"))
        #expect(try house.issuedClaims(back).amr == ["pwd", "rcode", "mfa"])
    }

    @Test("an elevation with under a minute left is not issued: the token comes without mfa")
    func almostOver() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let enteredAt = Date()
        guard case .redirect(let location)? = try await house.elevatedCode(scope: "tickets:write mfa", method: .oneTimePassword, now: enteredAt),
            let code = URLComponents(string: location)?.parameter("code")
        else { throw TestFailure("no code") }
        let response = try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: enteredAt)
        let refresh = try #require(response.refreshToken)
        let late = enteredAt.addingTimeInterval(TimeInterval(Elevation.defaultWindowSeconds) - 30)
        let refreshed = try await house.refreshGrant().exchange(
            try house.form(["grant_type": "refresh_token", "refresh_token": refresh]), client: house.client, tenant: house.tenant, now: late)
        #expect(!(try house.issuedClaims(refreshed).scopes.contains("mfa")))
        #expect(try house.issuedClaims(refreshed).expiresAt - (try house.issuedClaims(refreshed).issuedAt) == AuthPolicy.accessTokenMaxLifetime)
    }

    @Test("every token carries auth_time; without elevation it is the sign-in's, with acr and amr as signed in")
    func ordinaryToken() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let claims = try await house.claims(of: try await house.exchangeNewCode(["scope": "tickets:read"]))
        #expect(claims.authTime == Int64(house.person.authentication.authTime.timeIntervalSince1970))
        #expect(claims.acr == AuthenticationContext.singleFactor.rawValue && claims.amr == ["pwd"])
    }

    @Test("RFC 9470: acr_values naming the MFA class asks for a code without granting mfa; max_age older than the sign-in asks for it again")
    func acrValuesAndMaxAge() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        let mfaClass = AuthenticationContext.multiFactor.rawValue
        guard case .redirect(let location)? = try await house.elevatedCode(
            scope: "tickets:read", method: .oneTimePassword, now: Date(), extra: ["acr_values": "urn:unknown \(mfaClass)"]),
            let code = URLComponents(string: location)?.parameter("code")
        else { throw TestFailure("no code") }
        let claims = try house.issuedClaims(try await house.codeGrant.exchange(try house.codeForm(code), client: house.client, tenant: house.tenant, now: Date()))
        #expect(claims.acr == mfaClass && !claims.scopes.contains("mfa"))
        let signedInAt = house.person.authentication.authTime
        let old = try await house.flow.authorize(
            query: house.query(["max_age": "60"]), tenant: house.tenant, person: house.person, address: nil, now: signedInAt.addingTimeInterval(61))
        #expect(old == .signIn)
        let fresh = try await house.flow.authorize(
            query: house.query(["max_age": "60"]), tenant: house.tenant, person: house.person, address: nil, now: signedInAt.addingTimeInterval(59))
        #expect(fresh != .signIn)
        // The person approved this client above, so a malformed max_age goes back to it as invalid_request.
        for bad in ["-1", "soon", "1e3", "+5"] {
            guard case .redirect(let refused) = try await house.flow.authorize(
                query: house.query(["max_age": bad]), tenant: house.tenant, person: house.person, address: nil, now: Date())
            else { throw TestFailure("max_age=\(bad) was not refused") }
            #expect(URLComponents(string: refused)?.parameter("error") == "invalid_request", "\(bad)")
        }
    }
}

/// The consent page's side of elevation, over HTTP: enrolment first when there is no second factor, then a
/// code entered for the request, refused when wrong, and the tools it opens named.
@Suite("MFA elevation on the consent page")
struct ElevationConsentTests {
    @Test("without a second factor the person is walked through enrolment and back; with one, a code entered now allows it")
    func consentWithCode() async throws {
        try await AuthServerHTTPTests.withApplication { environment, client in
            let house = try await OAuthHouse.make(environment: environment)
            let person = try await environment.addPerson(email: "elevate@example.com")
            let browser = Browser(client: client)
            let query = house.query(["scope": "tickets:read tickets:write mfa"])
            let authorize = "/oauth/authorize?" + query
            _ = try await browser.signIn(email: person.email, returnTo: authorize)
            let consentURL = try #require(try await browser.get(authorize).location)
            #expect(consentURL.hasPrefix("/consent?request="))

            // No second factor yet: to Security, with the way back.
            let detour = try await browser.get(consentURL)
            #expect(detour.status == .seeOther)
            let security = try #require(detour.location)
            #expect(security == "/account/security?return_to=" + ReturnPath.queryEncoded(consentURL))
            let securityPage = try await browser.get(security)
            #expect(securityPage.body.contains("An app asks to perform high-trust actions"))
            let token = try #require(securityPage.csrfToken)
            let enrolment = try await browser.post(
                TwoStepRoutes.startPath, ["csrf_token": token, "current_password": PageTestHouse.password, "return_to": consentURL])
            let totp = try TwoStepPageTests.secret(on: enrolment)
            let codes = try await browser.post(
                TwoStepRoutes.confirmPath, ["csrf_token": token, "code": totp.code(step: TOTP.step(at: Date()) - 1), "return_to": consentURL])
            #expect(codes.body.contains(#"href="\#(consentURL.replacingOccurrences(of: "&", with: "&amp;"))""#), "continue leads back to the request")

            // The consent page asks for a code and names the high-trust tools this person may use.
            let consent = try await browser.get(consentURL)
            #expect(consent.status == .ok)
            #expect(consent.body.contains("asks to perform high-trust actions for the next 15 minutes"))
            #expect(consent.body.contains(#"<code class="tool">close_ticket</code>"#))
            #expect(consent.body.contains(#"name="code""#) && consent.body.contains(#"autocomplete="one-time-code""#))
            let requestID = try #require(consent.hiddenField("request"))
            let csrf = try #require(consent.csrfToken)
            let wrong = try await browser.post("/consent", ["csrf_token": csrf, "request": requestID, "decision": "allow", "code": "000000"])
            #expect(wrong.status == .ok && wrong.body.contains("That code is not right"))
            let missing = try await browser.post("/consent", ["csrf_token": csrf, "request": requestID, "decision": "allow"])
            #expect(missing.status == .ok && missing.body.contains("That code is not right"))
            // The code the enrolment used is spent; the current one (or the next) works.
            let right = try await browser.post(
                "/consent", ["csrf_token": csrf, "request": requestID, "decision": "allow", "code": totp.code(step: TOTP.step(at: Date()) + 1)])
            #expect(right.status == .found)
            let location = try #require(right.location)
            let code = try #require(URLComponents(string: location)?.parameter("code"))
            let stored = try #require(try await environment.storage.authorizationCode(tenantID: house.tenant.id, codeHash: OpaqueToken.hash(code)))
            #expect(stored.scopes.contains("mfa") && stored.authentication.elevatedBy == "otp" && stored.authentication.elevatedAt != nil)
        }
    }

    @Test("denying an elevation needs no code; the metadata lists mfa and the RFC 9470 classes")
    func denyAndMetadata() async throws {
        try await AuthServerHTTPTests.withApplication { environment, client in
            let house = try await OAuthHouse.make(environment: environment)
            let person = try await environment.addPerson(email: "deny@example.com")
            let totp = try await TOTPSecondFactorEnrolment.enrol(person, in: environment)
            let browser = Browser(client: client)
            let authorize = "/oauth/authorize?" + house.query(["scope": "tickets:write mfa"])
            #expect(try await browser.signIn(email: person.email, returnTo: authorize).location == "/login/second-factor")
            let step = try await browser.get("/login/second-factor")
            let signedIn = try await browser.post(
                "/login/second-factor", ["csrf_token": try #require(step.csrfToken), "code": totp.code(step: TOTP.step(at: Date()))])
            #expect(signedIn.location == authorize)
            let consentURL = try #require(try await browser.get(authorize).location)
            let consent = try await browser.get(consentURL)
            let csrf = try #require(consent.csrfToken)
            let requestID = try #require(consent.hiddenField("request"))
            let denied = try await browser.post("/consent", ["csrf_token": csrf, "request": requestID, "decision": "deny"])
            #expect(denied.status == .found && URLComponents(string: denied.location ?? "")?.parameter("error") == "access_denied")
            try await client.execute(uri: "/.well-known/oauth-authorization-server", method: .get) { response in
                let metadata = try AuthServerHTTPTests.json(response)
                #expect((metadata["scopes_supported"] as? [String])?.contains("mfa") == true)
                #expect(metadata["acr_values_supported"] as? [String] == AuthenticationContext.allCases.map(\.rawValue))
            }
        }
    }
}

/// Turns on two-step sign-in for a person directly, as the enrolment pages would.
enum TOTPSecondFactorEnrolment {
    @discardableResult
    static func enrol(_ person: User, in environment: AuthServerEnvironment) async throws -> TOTP {
        let factor = TOTPSecondFactor(store: environment.storage, keyEncryptionKey: environment.keyEncryptionKey, now: { Date().addingTimeInterval(-60) })
        let enrolment = try #require(try await factor.beginEnrolment(person))
        _ = try #require(try await factor.confirmEnrolment(person, code: enrolment.totp.code(step: TOTP.step(at: Date().addingTimeInterval(-60)))))
        return enrolment.totp
    }
}
