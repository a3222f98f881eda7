import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

extension OAuthHouse {
    /// A house whose client is a public device-flow client, like the command line.
    static func device(role: Role = .technician) async throws -> OAuthHouse {
        try await make(role: role, grantTypes: [DeviceCodeGrantType.urn, "refresh_token"])
    }

    var deviceEndpoint: DeviceAuthorizationEndpoint {
        DeviceAuthorizationEndpoint(
            limits: ClientRequestLimits(requestsPerMinute: 1000),
            authenticator: ClientAuthenticator(
                clients: ClientDirectory(storage: environment.storage, documents: NoDocuments()),
                assertions: ClientAssertionVerifier(
                    keyCache: ClientJWKSCache(logger: Logger(label: "test")) { _ in Data() }, replayStore: InMemoryClientAssertionReplayStore())),
            admission: ClientAdmission(storage: environment.storage), storage: environment.storage, logger: Logger(label: "test"))
    }

    var deviceGrant: DeviceCodeGrant { DeviceCodeGrant(storage: environment.storage, minter: minter, logger: Logger(label: "test")) }

    func requestDevice(_ parameters: [String: String] = [:], at now: Date = Date()) async throws -> DeviceAuthorizationEndpoint.Answer {
        try await deviceEndpoint.authorize(form(parameters), client: client, tenant: tenant, now: now)
    }

    func poll(_ deviceCode: String, at now: Date, extra: [String: String] = [:]) async throws -> TokenResponse {
        try await deviceGrant.exchange(
            form(["grant_type": DeviceCodeGrantType.urn, "device_code": deviceCode].merging(extra) { $1 }), client: client, tenant: tenant, now: now)
    }

    /// The OAuth error a poll is answered with.
    func pollError(_ deviceCode: String, at now: Date, extra: [String: String] = [:]) async throws -> String {
        do {
            _ = try await poll(deviceCode, at: now, extra: extra)
            throw TestFailure("the poll issued tokens")
        } catch let error as OAuthError {
            return error.code
        }
    }

    /// The person enters the code and answers on the consent page; returns the decision's outcome.
    func answer(_ answer: DeviceAuthorizationEndpoint.Answer, allow: Bool, at now: Date = Date()) async throws -> AuthorizationFlow.Decision? {
        let code = try #require(UserCode(entered: answer.userCode))
        let authorization = try #require(try await environment.storage.deviceAuthorization(tenantID: tenant.id, userCodeHash: code.hash, at: now))
        let requestID = try await flow.consentToDevice(authorization, person: person, tenant: tenant, now: now).requestID
        return try await flow.decide(requestID: requestID, allow: allow, tenant: tenant, person: person, now: now)
    }
}

@Suite("User codes (RFC 8628 §6.1)")
struct UserCodeTests {
    @Test("eight letters of the alphabet without vowels or digits, shown as XXXX-XXXX")
    func generated() {
        var seen = Set<String>()
        for _ in 0..<200 {
            let code = UserCode.generate()
            #expect(code.letters.count == 8)
            #expect(code.letters.allSatisfy { "BCDFGHJKLMNPQRSTVWXZ".contains($0) })
            #expect(code.display.count == 9 && code.display.dropFirst(4).first == "-")
            seen.insert(code.letters)
        }
        #expect(seen.count > 190, "codes are random")
        #expect(!AuthPolicy.DeviceFlow.userCodeAlphabet.contains { "AEIOU0123456789".contains($0) })
    }

    @Test("entry ignores case, dashes and spaces", arguments: ["BCDF-GHJK", "bcdfghjk", "bcdf-ghjk", " BcDf GhJk ", "BC-DF-GH-JK"])
    func entered(text: String) throws {
        let code = try #require(UserCode(entered: text))
        #expect(code.display == "BCDF-GHJK")
        #expect(code.hash == UserCode(entered: "BCDFGHJK")?.hash)
    }

    @Test("anything else is no code", arguments: ["", "BCDF-GHJ", "BCDF-GHJKL", "BCDF-GHJ0", "0OOO-1III", "BCDF-GHJA", "BCDF_GHJK", "ΒCDF-GHJK", String(repeating: "B", count: 100)])
    func refused(text: String) {
        #expect(UserCode(entered: text) == nil)
    }
}

@Suite("Device authorization grant (RFC 8628)")
struct DeviceFlowTests {
    @Test("the device authorization answer: a device code, a user code, both verification URIs, ten minutes, five seconds (§3.2)")
    func answer() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let answer = try await house.requestDevice(["scope": "tickets:read"])
        #expect(answer.deviceCode.hasPrefix("gatehouse_dc_"))
        let code = try #require(UserCode(entered: answer.userCode))
        #expect(code.display == answer.userCode)
        #expect(answer.verificationURI == house.tenant.issuer + "/device")
        #expect(answer.verificationURIComplete == house.tenant.issuer + "/device?user_code=" + answer.userCode)
        #expect(answer.expiresIn == 600 && answer.interval == 5)
        // Stored only as hashes, bound to the client, the resource and the scopes asked for.
        let stored = try #require(try await house.environment.storage.deviceAuthorization(tenantID: house.tenant.id, deviceCodeHash: OpaqueToken.hash(answer.deviceCode)))
        #expect(stored.userCodeHash == code.hash && stored.deviceCodeHash != answer.deviceCode)
        #expect(stored.clientID == house.client.id && stored.resource == house.tenant.resource && stored.requestedScopes == ["tickets:read"])
        #expect(stored.status == .pending)
    }

    @Test(
        "scope and resource are checked as at /oauth/authorize",
        arguments: [
            (["resource": "https://other.example.com/mcp"], "invalid_target"), (["resource": "not a url"], "invalid_target"),
            (["scope": "tickets:read \"quoted\""], "invalid_scope"),
        ] as [([String: String], String)]
    )
    func badRequests(parameters: [String: String], error: String) async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let thrown = await #expect(throws: OAuthError.self) { _ = try await house.requestDevice(parameters) }
        #expect(thrown?.code == error)
    }

    @Test("a client that did not register the device grant is unauthorized_client, at both endpoints")
    func clientWithoutGrant() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        do {
            _ = try await house.requestDevice()
            Issue.record("a code-flow client got a device code")
        } catch let error as OAuthError {
            #expect(error.code == "unauthorized_client")
        }
        #expect(try await house.pollError("gatehouse_dc_whatever", at: Date()) == "unauthorized_client")
    }

    @Test("polling: pending, slow_down adding five seconds for good, then the tokens once; a second collection ends the grant")
    func pollingToTokens() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        // In the past, so the tokens minted "later" are already valid now.
        let start = wholeSecond(Date().addingTimeInterval(-120))
        let answer = try await house.requestDevice(["scope": "tickets:read alerts:read offline_access"], at: start)
        #expect(try await house.pollError(answer.deviceCode, at: start) == "authorization_pending")
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(2)) == "slow_down")
        // The interval is now 10 s: 6 s later is still too soon, and lengthens it again.
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(8)) == "slow_down")
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(23)) == "authorization_pending")

        guard case .deviceAnswered(true, let name)? = try await house.answer(answer, allow: true, at: start.addingTimeInterval(24)) else {
            throw TestFailure("the approval did not answer the device")
        }
        #expect(name == house.client.name)
        let tokens = try await house.poll(answer.deviceCode, at: start.addingTimeInterval(40))
        #expect(tokens.scope == "tickets:read alerts:read offline_access")
        #expect(tokens.refreshToken?.hasPrefix("gatehouse_rt_") == true)
        let claims = try await house.claims(of: tokens)
        let grant = try #require(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).first)
        #expect(claims.grantID == grant.id && claims.clientID == house.client.id && claims.subject == house.user.id)
        #expect(claims.audience == house.tenant.resource)

        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(60)) == "invalid_grant")
        #expect(try await house.environment.storage.grant(tenantID: house.tenant.id, id: grant.id)?.isActive == false, "a reused device code ends the grant")
        let refreshed = try? await house.refreshGrant().exchange(
            try house.form(["grant_type": "refresh_token", "refresh_token": try #require(tokens.refreshToken)]), client: house.client,
            tenant: house.tenant, now: start.addingTimeInterval(61))
        #expect(refreshed == nil, "its refresh token died with it")
    }

    @Test("a denial is access_denied until the code expires; nothing is granted")
    func denied() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let start = wholeSecond()
        let answer = try await house.requestDevice(at: start)
        guard case .deviceAnswered(false, _)? = try await house.answer(answer, allow: false, at: start) else { throw TestFailure("no denial") }
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(5)) == "access_denied")
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(10)) == "access_denied")
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(600)) == "expired_token")
        #expect(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).isEmpty)
    }

    @Test("after ten minutes the code is expired_token, approved or not, and can no longer be approved")
    func expired() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let start = wholeSecond()
        let answer = try await house.requestDevice(at: start)
        #expect(try await house.pollError(answer.deviceCode, at: start.addingTimeInterval(600)) == "expired_token")
        let code = try #require(UserCode(entered: answer.userCode))
        #expect(try await house.environment.storage.deviceAuthorization(tenantID: house.tenant.id, userCodeHash: code.hash, at: start.addingTimeInterval(600)) == nil)

        // Entered in time, but answered after the code expired: the answer does not land.
        let late = try await house.requestDevice(at: start)
        let lateCode = try #require(UserCode(entered: late.userCode))
        let authorization = try #require(try await house.environment.storage.deviceAuthorization(tenantID: house.tenant.id, userCodeHash: lateCode.hash, at: start))
        let requestID = try await house.flow.consentToDevice(authorization, person: house.person, tenant: house.tenant, now: start.addingTimeInterval(590)).requestID
        #expect(try await house.flow.decide(requestID: requestID, allow: true, tenant: house.tenant, person: house.person, now: start.addingTimeInterval(601)) == nil)
        #expect(try await house.pollError(late.deviceCode, at: start.addingTimeInterval(602)) == "expired_token")
        #expect(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).isEmpty)
    }

    @Test("an unknown code, another client's code, a missing code and another resource are refused")
    func wrongCodes() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let start = wholeSecond(Date().addingTimeInterval(-60))
        let answer = try await house.requestDevice(at: start)
        #expect(try await house.pollError("gatehouse_dc_unknown", at: start) == "invalid_grant")
        #expect(try await house.pollError(answer.userCode, at: start) == "invalid_grant", "the user code is not a device code")
        do {
            _ = try await house.deviceGrant.exchange(try house.form(["grant_type": DeviceCodeGrantType.urn]), client: house.client, tenant: house.tenant, now: start)
            Issue.record("no device_code was accepted")
        } catch let error as OAuthError {
            #expect(error.code == "invalid_request")
        }
        var other = house.client
        other.id = "gh_other"
        try await house.environment.storage.saveClient(other)
        do {
            _ = try await house.deviceGrant.exchange(
                try house.form(["grant_type": DeviceCodeGrantType.urn, "device_code": answer.deviceCode]), client: other, tenant: house.tenant, now: start)
            Issue.record("another client collected the code")
        } catch let error as OAuthError {
            #expect(error.code == "invalid_grant")
        }
        // The other client's attempts did not count as this device's polls.
        #expect(try await house.environment.storage.deviceAuthorization(tenantID: house.tenant.id, deviceCodeHash: OpaqueToken.hash(answer.deviceCode))?.lastPolledAt == nil)
        _ = try await house.answer(answer, allow: true, at: start)
        #expect(try await house.pollError(answer.deviceCode, at: start, extra: ["resource": "https://other.example.com/mcp"]) == "invalid_target")
        #expect(try await house.poll(answer.deviceCode, at: start.addingTimeInterval(5), extra: ["resource": house.tenant.resource]).accessToken.isEmpty == false)
    }

    @Test("a code belongs to its tenant: another tenant neither finds its user code nor pays out its device code")
    func crossTenant() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let other = Tenant(id: "other", issuer: "https://other.example.com", resource: "https://other.example.com/mcp")
        try await house.environment.storage.saveTenant(other)
        var otherClient = house.client
        otherClient.tenantID = other.id
        try await house.environment.storage.saveClient(otherClient)
        let answer = try await house.requestDevice()
        let code = try #require(UserCode(entered: answer.userCode))
        #expect(try await house.environment.storage.deviceAuthorization(tenantID: other.id, userCodeHash: code.hash, at: Date()) == nil)
        _ = try await house.answer(answer, allow: true)
        do {
            _ = try await house.deviceGrant.exchange(
                try house.form(["grant_type": DeviceCodeGrantType.urn, "device_code": answer.deviceCode]), client: otherClient, tenant: other, now: Date())
            Issue.record("another tenant paid out the code")
        } catch let error as OAuthError {
            #expect(error.code == "invalid_grant")
        }
        #expect(try await house.poll(answer.deviceCode, at: Date()).accessToken.isEmpty == false, "its own tenant still does")
    }

    @Test("no scope asks for everything the role may hold; the approval and the tokens are narrowed to the role")
    func scopesNarrowed() async throws {
        let house = try await OAuthHouse.device(role: .company)
        defer { house.remove() }
        let everything = try await house.requestDevice()
        _ = try await house.answer(everything, allow: true)
        let tokens = try await house.poll(everything.deviceCode, at: Date())
        #expect(Set(tokens.scope.split(separator: " ").map(String.init)) == Set(ScopeCatalog.everything(for: .company)))

        let asked = try await house.requestDevice(["scope": "tickets:read notes:write rules:run unknown:scope"])
        _ = try await house.answer(asked, allow: true)
        #expect(try await house.poll(asked.deviceCode, at: Date()).scope == "tickets:read")
    }

    @Test("a device approval renews the person's grant for the client, as a browser approval does, and is remembered as consent")
    func oneGrant() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        for scope in ["tickets:read", "alerts:read"] {
            let answer = try await house.requestDevice(["scope": scope])
            _ = try await house.answer(answer, allow: true)
            _ = try await house.poll(answer.deviceCode, at: Date())
        }
        let grants = try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id)
        #expect(grants.count == 1)
        #expect(Set(grants[0].scopes) == ["tickets:read", "alerts:read"])
        #expect(try await house.environment.storage.consentedScopes(tenantID: house.tenant.id, userID: house.user.id, clientID: house.client.id) == ["tickets:read", "alerts:read"])
    }

    @Test("a code answered once cannot be answered again, by the same person or another")
    func answeredOnce() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        let answer = try await house.requestDevice()
        let code = try #require(UserCode(entered: answer.userCode))
        let authorization = try #require(try await house.environment.storage.deviceAuthorization(tenantID: house.tenant.id, userCodeHash: code.hash, at: Date()))
        let first = try await house.flow.consentToDevice(authorization, person: house.person, tenant: house.tenant, now: Date()).requestID
        let second = try await house.flow.consentToDevice(authorization, person: house.person, tenant: house.tenant, now: Date()).requestID
        guard case .deviceAnswered(false, _)? = try await house.flow.decide(requestID: first, allow: false, tenant: house.tenant, person: house.person, now: Date())
        else { throw TestFailure("no denial") }
        #expect(try await house.flow.decide(requestID: second, allow: true, tenant: house.tenant, person: house.person, now: Date()) == nil)
        #expect(try await house.pollError(answer.deviceCode, at: Date()) == "access_denied")
        #expect(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).isEmpty)
    }

    @Test("GATEHOUSE_ACCESS_TOKEN_SECONDS sets the lifetime of the access tokens the grants mint")
    func shortLifetime() async throws {
        let house = try await OAuthHouse.device()
        defer { house.remove() }
        var minter = house.minter
        minter.accessTokenLifetime = 20
        let grant = DeviceCodeGrant(storage: house.environment.storage, minter: minter, logger: Logger(label: "test"))
        let answer = try await house.requestDevice()
        _ = try await house.answer(answer, allow: true)
        let now = Date()
        let tokens = try await grant.exchange(
            try house.form(["grant_type": DeviceCodeGrantType.urn, "device_code": answer.deviceCode]), client: house.client, tenant: house.tenant, now: now)
        #expect(tokens.expiresIn == 20)
        let claims = try await house.claims(of: tokens)
        #expect(claims.expiresAt - claims.issuedAt == 20)
    }
}

extension AuthorizationFlow.DeviceConsent {
    /// The consent page's request; a refusal fails the test.
    var requestID: String {
        get throws {
            guard case .consent(let id) = self else { throw TestFailure("refused: \(self)") }
            return id
        }
    }
}
