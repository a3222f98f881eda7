import Foundation
import Hummingbird
import Shared
import Testing

@testable import AuthServerCore

/// What the HTTP tests need to drive the whole application (`AuthServerApplication.router`) as a
/// person would: someone who can sign in, and a browser that follows an authorization request through
/// the sign-in and consent pages.
extension AuthServerEnvironment {
    /// A person in the default tenant who signs in with `PageTestHouse.password`.
    func addPerson(email: String, role: Role = .technician) async throws -> User {
        let user = User(
            tenantID: Tenant.defaultID, id: "usr_" + RandomIdentifier.make(), email: email, passwordHash: PageTestHouse.passwordHash,
            role: role, companyID: nil, createdAt: wholeSecond())
        try await storage.insertUser(user)
        return user
    }
}

extension Browser {
    /// Opens /oauth/authorize with `query`, signs in as `email` when sent to the sign-in page, allows on
    /// the consent page, and returns where the server sends the browser back to the client.
    func authorize(_ query: String, email: String) async throws -> URLComponents {
        let authorize = "/oauth/authorize?" + query
        var response = try await get(authorize)
        if response.location?.hasPrefix("/login") == true {
            let signedIn = try await signIn(email: email, returnTo: authorize)
            #expect(signedIn.location == authorize)
            response = try await get(authorize)
        }
        if let consent = response.location, consent.hasPrefix("/consent") {
            let page = try await get(consent)
            #expect(page.status == .ok)
            let requestID = try #require(page.hiddenField("request"))
            response = try await post("/consent", ["csrf_token": try #require(page.csrfToken), "request": requestID, "decision": "allow"])
        }
        guard response.status == .found, let location = response.location, let redirect = URLComponents(string: location) else {
            throw TestFailure("authorize ended with \(response.status): \(response.body.prefix(300))")
        }
        return redirect
    }

    /// Signs `person` in and opens the consent page of a public app's authorization request for `scope`.
    func consentPage(_ environment: AuthServerEnvironment, for person: User, scope: String) async throws -> PageResponse {
        let app = Client(
            tenantID: Tenant.defaultID, id: "gh_" + RandomIdentifier.make(), kind: .dynamic, name: "Desk CLI",
            redirectURIs: ["http://127.0.0.1/callback"], authMethod: .none, createdAt: wholeSecond())
        try await environment.storage.saveClient(app)
        try await signIn(email: person.email, returnTo: "/account")
        let authorize = "/oauth/authorize?response_type=code&client_id=\(app.id)&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback"
            + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&scope=\(FormEncoding.encode(scope))"
        let consent = try #require(try await get(authorize).location)
        return try await get(consent)
    }
}
