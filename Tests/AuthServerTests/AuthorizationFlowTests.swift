import Foundation
import Logging
import Testing

@testable import AuthServerCore
import Shared

/// A tenant with one person and one public client, over the real SQLite store and signing keys.
struct OAuthHouse {
    let directory: TemporaryDirectory
    let environment: AuthServerEnvironment
    let tenant: Tenant
    let user: User
    let client: Client
    let flow: AuthorizationFlow
    let minter: TokenMinter
    /// When the house's person signed in (whole seconds, as stored).
    let signedInAt = wholeSecond()

    static let redirect = "http://127.0.0.1/callback"
    /// A web app's redirect (claude.ai's): the host's own, so a returning client is sent straight back.
    static let webRedirect = "https://claude.ai/api/mcp/auth_callback"
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    /// Resolves no metadata documents: these tests use registered clients.
    struct NoDocuments: ClientMetadataResolving {
        func client(forID id: String, tenantID: String, address: ClientAddress?, now: Date) async throws -> Client? { nil }
    }

    /// Resolves one pinned metadata-document client, as the pinned folder would.
    struct PinnedDocument: ClientMetadataResolving {
        let pinned: Client
        func client(forID id: String, tenantID: String, address: ClientAddress?, now: Date) async throws -> Client? {
            id == pinned.id ? pinned : nil
        }
    }

    /// What the resource publishes when it cannot be reached: every scope stays grantable.
    static let unreachableResource = ResourceToolCatalog { _ in throw CancellationError() }

    /// - Parameter environment: an environment to use instead of a fresh one, e.g. one an HTTP test serves.
    /// - Parameter resourceTools: the resource's metadata as consent reads it; by default unreachable.
    static func make(
        role: Role = .technician, grantTypes: [String] = ["authorization_code", "refresh_token"], redirect: String = redirect,
        pinned: Bool = false, environment: AuthServerEnvironment? = nil, resourceTools: ResourceToolCatalog = unreachableResource
    ) async throws -> OAuthHouse {
        let directory = try TemporaryDirectory(creating: false)
        let environment = if let environment { environment } else {
            try await AuthServerEnvironment.open(AuthServerEnvironmentTests.settings(directory), reconcile: true)
        }
        let tenant = try await environment.tenant()
        let user = User(
            tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: "tech@example.com", passwordHash: "x", role: role,
            companyID: nil, createdAt: wholeSecond())
        try await environment.storage.insertUser(user)
        let client = Client(
            tenantID: tenant.id, id: pinned ? "https://claude.ai/oauth/claude-code-client-metadata" : "gh_" + RandomIdentifier.make(),
            kind: pinned ? .metadataDocument : .dynamic, name: "Claude Code (desk)",
            redirectURIs: [redirect], authMethod: .none, grantTypes: grantTypes, isPinned: pinned, createdAt: wholeSecond())
        try await environment.storage.saveClient(client)
        let clients = ClientDirectory(storage: environment.storage, documents: pinned ? PinnedDocument(pinned: client) : NoDocuments())
        return OAuthHouse(
            directory: directory, environment: environment, tenant: tenant, user: user, client: client,
            flow: AuthorizationFlow(storage: environment.storage, clients: clients, resourceTools: resourceTools),
            minter: TokenMinter(
                storage: environment.storage, accessTokens: AccessTokenIssuer(keyRing: environment.keyRing),
                elevationWindowSeconds: Elevation.defaultWindowSeconds)
        )
    }

    var person: AuthorizationFlow.Person { .init(user: user, authentication: Authentication(authTime: signedInAt, methods: ["pwd"])) }

    func query(_ overrides: [String: String?] = [:]) -> String {
        var parameters: [String: String?] = [
            "response_type": "code", "client_id": client.id, "redirect_uri": client.redirectURIs[0].replacingOccurrences(of: "127.0.0.1", with: "127.0.0.1:50123"),
            "code_challenge": Self.challenge, "code_challenge_method": "S256", "state": "xyz", "scope": "tickets:read offline_access",
            "resource": tenant.resource,
        ]
        for (key, value) in overrides { parameters[key] = value }
        return parameters.compactMap { key, value in value.map { "\(key)=\(FormEncoding.encode($0))" } }.sorted().joined(separator: "&")
    }

    /// Authorizes through the consent page and returns the redirect the person's browser follows.
    func authorizeAndAllow(_ overrides: [String: String?] = [:]) async throws -> URLComponents {
        let outcome = try await flow.authorize(query: query(overrides), tenant: tenant, person: person, address: nil, now: Date())
        switch outcome {
        case .consent(let requestID):
            let decided = try await flow.decide(requestID: requestID, allow: true, tenant: tenant, person: person, now: Date())
            guard case .redirect(let location)? = decided else { throw TestFailure("consent gave \(String(describing: decided))") }
            return try #require(URLComponents(string: location))
        case .redirect(let location): return try #require(URLComponents(string: location))
        default: throw TestFailure("authorize gave \(outcome)")
        }
    }

    func remove() { directory.remove() }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension URLComponents {
    func parameter(_ name: String) -> String? { queryItems?.first { $0.name == name }?.value }
}

@Suite("Authorization endpoint (RFC 6749 §4.1, RFC 7636, RFC 8707, RFC 9207)")
struct AuthorizationFlowTests {
    @Test("errors before the redirect URI is trusted are a 400 page, never a redirect")
    func untrusted() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        for overrides: [String: String?] in [
            ["client_id": nil], ["client_id": "gh_unknown"], ["redirect_uri": "https://evil.example.com/cb"],
            ["redirect_uri": "http://127.0.0.1:50123/other"], ["client_id": "a&client_id=b"],
        ] {
            let outcome = try await house.flow.authorize(query: house.query(overrides), tenant: house.tenant, person: house.person, address: nil, now: Date())
            guard case .errorPage = outcome else {
                Issue.record("\(overrides) gave \(outcome)")
                continue
            }
        }
        let doubled = try await house.flow.authorize(query: house.query() + "&client_id=gh_other", tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .errorPage = doubled else { throw TestFailure("a repeated client_id gave \(doubled)") }
    }

    @Test(
        "later errors go back to the client with state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)",
        arguments: [
            (["code_challenge": nil], "invalid_request"), (["code_challenge_method": "plain"], "invalid_request"),
            (["code_challenge_method": nil], "invalid_request"), (["code_challenge": "tooshort"], "invalid_request"),
            (["response_type": "token"], "unsupported_response_type"), (["response_type": nil], "invalid_request"), (["resource": "https://other.example.com/mcp"], "invalid_target"),
            (["scope": "tickets:read \"quoted\""], "invalid_scope"),
        ] as [([String: String?], String)]
    )
    func redirected(overrides: [String: String?], error: String) async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        _ = try await house.authorizeAndAllow()
        let outcome = try await house.flow.authorize(query: house.query(overrides), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .redirect(let location) = outcome, let url = URLComponents(string: location) else { throw TestFailure("\(outcome)") }
        #expect(url.host == "127.0.0.1" && url.port == 50123)
        #expect(url.parameter("error") == error)
        #expect(url.parameter("state") == "xyz")
        #expect(url.parameter("iss") == house.tenant.issuer)
        #expect(url.parameter("code") == nil)
    }

    @Test("nobody signed in: sign in first; prompt=none says login_required instead, to a client the operator pinned")
    func signIn() async throws {
        let house = try await OAuthHouse.make(pinned: true)
        defer { house.remove() }
        #expect(try await house.flow.authorize(query: house.query(), tenant: house.tenant, person: nil, address: nil, now: Date()) == .signIn)
        let none = try await house.flow.authorize(query: house.query(["prompt": "none"]), tenant: house.tenant, person: nil, address: nil, now: Date())
        guard case .redirect(let location) = none else { throw TestFailure("\(none)") }
        #expect(URLComponents(string: location)?.parameter("error") == "login_required")
    }

    @Test("RFC 9700 §4.11.2: errors for a registered client nobody vouches for are a page, not a redirect, until the person approved it")
    func noOpenRedirector() async throws {
        let house = try await OAuthHouse.make(redirect: OAuthHouse.webRedirect)
        defer { house.remove() }
        let broken = house.query(["response_type": "token"])
        for person in [nil, house.person] {
            let outcome = try await house.flow.authorize(query: broken, tenant: house.tenant, person: person, address: nil, now: Date())
            guard case .errorPage(let message) = outcome else { throw TestFailure("an unapproved client's error gave \(outcome)") }
            #expect(message.contains("response_type token is not supported"))
            let silent = try await house.flow.authorize(query: house.query(["prompt": "none"]), tenant: house.tenant, person: person, address: nil, now: Date())
            guard case .errorPage = silent else { throw TestFailure("prompt=none for an unapproved client gave \(silent)") }
        }
        // Once the person approved it, its errors go back to it; with nobody signed in, still not.
        _ = try await house.authorizeAndAllow()
        guard case .redirect(let location) = try await house.flow.authorize(query: broken, tenant: house.tenant, person: house.person, address: nil, now: Date()),
            URLComponents(string: location)?.parameter("error") == "unsupported_response_type"
        else { throw TestFailure("an approved client's error was not redirected") }
        guard case .errorPage = try await house.flow.authorize(query: broken, tenant: house.tenant, person: nil, address: nil, now: Date()) else {
            throw TestFailure("an error with nobody signed in was redirected")
        }
        // Disconnecting the app withdraws the approval.
        let grant = try #require(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).first)
        _ = try await house.environment.storage.revokeGrant(tenantID: house.tenant.id, id: grant.id, reason: "test", at: Date())
        guard case .errorPage = try await house.flow.authorize(query: broken, tenant: house.tenant, person: house.person, address: nil, now: Date()) else {
            throw TestFailure("an error for a disconnected app was redirected")
        }
    }

    @Test("consent, then a code with state and iss; a returning client asking no more goes straight back; prompt=consent asks again")
    func consentRemembered() async throws {
        let house = try await OAuthHouse.make(redirect: OAuthHouse.webRedirect)
        defer { house.remove() }
        let first = try await house.flow.authorize(query: house.query(), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .consent = first else { throw TestFailure("first visit gave \(first)") }
        let redirect = try await house.authorizeAndAllow()
        #expect(redirect.parameter("code")?.hasPrefix("gatehouse_ac_") == true)
        #expect(redirect.parameter("state") == "xyz")
        #expect(redirect.parameter("iss") == house.tenant.issuer)

        let again = try await house.flow.authorize(query: house.query(["scope": "tickets:read"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .redirect(let location) = again else { throw TestFailure("a returning client was asked again: \(again)") }
        #expect(URLComponents(string: location)?.parameter("code") != nil)
        let more = try await house.flow.authorize(query: house.query(["scope": "tickets:read alerts:read"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .consent = more else { throw TestFailure("more scopes skipped consent: \(more)") }
        let forced = try await house.flow.authorize(query: house.query(["prompt": "consent"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .consent = forced else { throw TestFailure("prompt=consent skipped consent: \(forced)") }
        // One grant per person and client, however often it is authorised.
        #expect(try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id).count == 1)
    }

    @Test("RFC 8252 §8.6: a public client redirecting to a loopback port or a private-use scheme is asked every time; a confidential one is not")
    func nativeClientsAskedEveryTime() async throws {
        for redirect in [OAuthHouse.redirect, "com.example.desk:/oauth/callback"] {
            let house = try await OAuthHouse.make(redirect: redirect)
            defer { house.remove() }
            _ = try await house.authorizeAndAllow()
            let again = try await house.flow.authorize(query: house.query(), tenant: house.tenant, person: house.person, address: nil, now: Date())
            guard case .consent = again else { throw TestFailure("\(redirect): a returning native client was sent straight back: \(again)") }
            let silent = try await house.flow.authorize(query: house.query(["prompt": "none"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
            guard case .redirect(let location) = silent, URLComponents(string: location)?.parameter("error") == "consent_required" else {
                throw TestFailure("\(redirect): prompt=none gave \(silent)")
            }
            // A confidential client proves itself at the token endpoint, so its loopback redirect is not a risk.
            var confidential = house.client
            confidential.authMethod = .clientSecretBasic
            try await house.environment.storage.saveClient(confidential)
            guard case .redirect = try await house.flow.authorize(query: house.query(), tenant: house.tenant, person: house.person, address: nil, now: Date()) else {
                throw TestFailure("\(redirect): a returning confidential client was asked again")
            }
        }
    }

    @Test("deny sends access_denied with state and iss; a consent request works once and only for its person")
    func deny() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        guard case .consent(let requestID) = try await house.flow.authorize(query: house.query(), tenant: house.tenant, person: house.person, address: nil, now: Date())
        else { throw TestFailure("no consent") }
        let stranger = AuthorizationFlow.Person(
            user: User(tenantID: house.tenant.id, id: "usr_other", email: "o@example.com", passwordHash: "x", role: .admin, companyID: nil, createdAt: Date()),
            authentication: Authentication(authTime: Date(), methods: ["pwd"]))
        #expect(try await house.flow.decide(requestID: requestID, allow: true, tenant: house.tenant, person: stranger, now: Date()) == nil)
        let denied = try await house.flow.decide(requestID: requestID, allow: false, tenant: house.tenant, person: house.person, now: Date())
        guard case .redirect(let location)? = denied, let url = URLComponents(string: location) else { throw TestFailure("\(String(describing: denied))") }
        #expect(url.parameter("error") == "access_denied")
        #expect(url.parameter("state") == "xyz")
        #expect(url.parameter("iss") == house.tenant.issuer)
        #expect(try await house.flow.decide(requestID: requestID, allow: true, tenant: house.tenant, person: house.person, now: Date()) == nil)
    }

    @Test("scopes are narrowed to the role; unknown ones dropped; a missing scope means all the role may hold (RFC 6749 §3.3)")
    func narrowed() async throws {
        let house = try await OAuthHouse.make(role: .company)
        defer { house.remove() }
        guard case .consent(let requestID) = try await house.flow.authorize(
            query: house.query(["scope": " offline_access rules:run claudeai tickets:read"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        else { throw TestFailure("no consent") }
        let pending = try #require(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date()))
        #expect(pending.0.scopes == ["offline_access", "tickets:read"])
        guard case .consent(let all) = try await house.flow.authorize(query: house.query(["scope": nil]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        else { throw TestFailure("no consent") }
        let everything = try #require(try await house.flow.pendingConsent(requestID: all, tenant: house.tenant, user: house.user, now: Date()))
        #expect(everything.0.scopes == ScopeCatalog.everything(for: .company))
    }

    @Test("a request left with no scopes a person could grant still asks for consent; prompt=none then gets consent_required")
    func emptyScopesNeedConsent() async throws {
        let house = try await OAuthHouse.make(role: .company, redirect: OAuthHouse.webRedirect)
        defer { house.remove() }
        for scope in ["claudeai", "rules:run notes:write"] {
            let outcome = try await house.flow.authorize(query: house.query(["scope": scope]), tenant: house.tenant, person: house.person, address: nil, now: Date())
            guard case .consent(let requestID) = outcome else { throw TestFailure("\(scope) gave \(outcome) without asking") }
            #expect(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date())?.0.scopes == [])
            let silent = try await house.flow.authorize(
                query: house.query(["scope": scope, "prompt": "none"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
            guard case .errorPage = silent else { throw TestFailure("\(silent)") }
        }
        // Once the person consented to something for this client, an empty request needs no new consent.
        _ = try await house.authorizeAndAllow(["scope": "tickets:read"])
        let again = try await house.flow.authorize(query: house.query(["scope": "claudeai"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .redirect(let location) = again else { throw TestFailure("\(again)") }
        #expect(URLComponents(string: location)?.parameter("code") != nil)
    }

    @Test("scopes at /authorize are not bound to the registration's scope; offline_access and more may be asked for")
    func notBoundToRegistration() async throws {
        let house = try await OAuthHouse.make()
        defer { house.remove() }
        var registered = house.client
        registered.scope = "tickets:read"
        try await house.environment.storage.saveClient(registered)
        let outcome = try await house.flow.authorize(
            query: house.query(["scope": "tickets:read alerts:read offline_access"]), tenant: house.tenant, person: house.person, address: nil, now: Date())
        guard case .consent(let requestID) = outcome else { throw TestFailure("\(outcome)") }
        let pending = try #require(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date()))
        #expect(pending.0.scopes == ["tickets:read", "alerts:read", "offline_access"])
    }

    @Test("ChatGPT's id_token_hint and other unknown parameters on a re-authorization are ignored, not refused")
    func idTokenHintTolerated() async throws {
        let house = try await OAuthHouse.make(redirect: OAuthHouse.webRedirect)
        defer { house.remove() }
        _ = try await house.authorizeAndAllow()
        let outcome = try await house.flow.authorize(
            query: house.query(["id_token_hint": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", "nonce": "n-0S6_WzA2Mj", "prompt": "login"]), tenant: house.tenant,
            person: house.person, address: nil, now: Date())
        guard case .redirect(let location) = outcome, let url = URLComponents(string: location) else { throw TestFailure("\(outcome)") }
        #expect(url.parameter("code") != nil && url.parameter("error") == nil)
    }
}
