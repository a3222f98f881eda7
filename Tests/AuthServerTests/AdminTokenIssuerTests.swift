import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// `auth-server admin token issue`: a hand-minted token is narrowed to the role and revocable like any other.
@Suite("Admin-issued tokens")
struct AdminTokenIssuerTests {
    @Test("scopes are narrowed to the person's role and never carry mfa, the token belongs to a grant of its own, listed in connected apps and revocable")
    func narrowedAndRevocable() async throws {
        let house = try await OAuthHouse.make(role: .company)
        defer { house.remove() }
        let issuer = AdminTokenIssuer(storage: house.environment.storage, accessTokens: AccessTokenIssuer(keyRing: house.environment.keyRing))
        let issued = try await issuer.issue(
            for: house.user, tenant: house.tenant, scopes: ["tickets:read", "notes:write", "rules:run", "mfa", "made:up"], lifetime: 600)
        #expect(issued.grant.scopes == ["tickets:read"])
        // mfa is for a second factor entered, which a hand-minted token never had.
        #expect(issued.dropped == ["notes:write", "rules:run", "mfa", "made:up"])
        let key = try #require(try await house.environment.keyRing.publishedKeys(tenantID: house.tenant.id).keys[0].publicKey)
        let claims = try AccessTokenVerifier(issuer: house.tenant.issuer, audience: house.tenant.resource, tenantID: house.tenant.id)
            .verify(try AccessTokenVerifier.parse(issued.token), key: key, now: Date())
        #expect(claims.scope == "tickets:read" && claims.grantID == issued.grant.id && claims.clientID == AuthPolicy.adminCLIClientID)

        let apps = ConnectedApps(storage: house.environment.storage, logger: Logger(label: "test"))
        let listed = try await apps.list(for: house.user, now: Date())
        let app = try #require(listed.first { $0.grantID == issued.grant.id })
        #expect(app.clientName == BuiltInClients.adminCLIName && app.isFirstParty)
        #expect(try await apps.revoke(grantID: issued.grant.id, by: house.user, now: Date()) == BuiltInClients.adminCLIName)
        let events = try await house.environment.storage.revocationEvents(tenantID: house.tenant.id, after: 0, limit: 10)
        #expect(events.map(\.subject) == [issued.grant.id] && events.allSatisfy { $0.kind == .grant })
    }
}
