import Foundation
import Hummingbird
import Shared
import Testing

@testable import AuthServerCore

/// GET /account/apps and POST /account/apps/revoke through the whole application, signed in through the pages.
@Suite("Connected apps over HTTP")
struct ConnectedAppsHTTPTests {
    @Test("revoking needs the session's CSRF token; a technician cannot end a colleague's grant by its id; an admin can")
    func revokeRoute() async throws {
        try await AuthServerHTTPTests.withApplication { environment, client in
            let storage = environment.storage
            let technician = try await environment.addPerson(email: "tech@example.com")
            let colleague = try await environment.addPerson(email: "colleague@example.com")
            _ = try await environment.addPerson(email: "admin@example.com", role: .admin)
            let app = Client(
                tenantID: Tenant.defaultID, id: "gh_" + RandomIdentifier.make(), kind: .dynamic, name: "Claude Code (desk)",
                redirectURIs: ["http://127.0.0.1/callback"], authMethod: .none, createdAt: wholeSecond())
            try await storage.saveClient(app)
            func grant(for user: User) async throws -> Grant {
                let grant = Grant(
                    tenantID: Tenant.defaultID, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: app.id,
                    resource: AuthServerHTTPTests.resource, scopes: ["tickets:read"], createdAt: wholeSecond(), lastAuthorisedAt: wholeSecond())
                try await storage.saveGrant(grant)
                return grant
            }
            func isActive(_ grant: Grant) async throws -> Bool { try await storage.grant(tenantID: Tenant.defaultID, id: grant.id)?.isActive == true }
            let own = try await grant(for: technician)
            let theirs = try await grant(for: colleague)

            let browser = Browser(client: client)
            let anonymous = try await browser.post("/account/apps/revoke", ["grant_id": own.id])
            #expect(anonymous.status == .seeOther && anonymous.location?.hasPrefix("/login") == true)
            try await browser.signIn(email: technician.email, returnTo: "/account/apps")
            let page = try await browser.get("/account/apps")
            #expect(page.status == .ok)
            #expect(page.body.contains(own.id) && !page.body.contains(theirs.id))
            let token = try #require(page.csrfToken)

            for fields: KeyValuePairs<String, String> in [["grant_id": own.id], ["grant_id": own.id, "csrf_token": "forged"], ["grant_id": own.id, "csrf_token": ""]] {
                let refused = try await browser.post("/account/apps/revoke", fields)
                #expect(refused.status == .forbidden)
            }
            #expect(try await isActive(own))

            let colleagues = try await browser.post("/account/apps/revoke", ["csrf_token": token, "grant_id": theirs.id])
            #expect(colleagues.status == .ok && colleagues.body.contains("already disconnected"))
            #expect(try await isActive(theirs))

            let revoked = try await browser.post("/account/apps/revoke", ["csrf_token": token, "grant_id": own.id])
            #expect(revoked.status == .ok && revoked.body.contains("Claude Code (desk) was disconnected"))
            #expect(try await !isActive(own))

            // Another browser's token is no good in this one.
            let admin = Browser(client: client)
            try await admin.signIn(email: "admin@example.com", returnTo: "/account/apps")
            let adminPage = try await admin.get("/account/apps")
            #expect(adminPage.body.contains(theirs.id) && adminPage.body.contains("colleague@example.com"))
            let adminToken = try #require(adminPage.csrfToken)
            #expect(adminToken != token)
            #expect(try await admin.post("/account/apps/revoke", ["csrf_token": token, "grant_id": theirs.id]).status == .forbidden)
            #expect(try await isActive(theirs))
            let ended = try await admin.post("/account/apps/revoke", ["csrf_token": adminToken, "grant_id": theirs.id])
            #expect(ended.status == .ok && ended.body.contains("was disconnected"))
            #expect(try await !isActive(theirs))
        }
    }
}
