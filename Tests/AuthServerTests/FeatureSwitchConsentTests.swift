import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// Consent learns the tenant's feature switches from the resource's metadata: a scope its `scopes_supported` no
/// longer lists is neither offered nor granted; unreachable metadata leaves every scope as before. The admin API's
/// scope is in no catalogue, so no request ever gets it.
@Suite("Feature switches at consent")
struct FeatureSwitchConsentTests {
    /// The resource with billing switched off: no tool needs billing:read any more.
    static let withoutBilling = ResourceToolCatalog { url in
        guard url.hasSuffix("/.well-known/oauth-protected-resource/mcp") else { throw CancellationError() }
        return Data(
            #"{"resource":"https://acme.example.com/mcp","scopes_supported":["customers:read","tickets:read","tickets:write"],"gatehouse_tools":[{"name":"get_ticket","scopes":["tickets:read"],"kind":"read"}]}"#
                .utf8)
    }

    @Test("A tool scope the metadata does not publish is withheld; offline_access and mfa are never withheld; no metadata, no change")
    func grantable() {
        let published: Set<String> = ["customers:read", "tickets:read"]
        #expect(RequestedAccess.grantable(["billing:read", "tickets:read", "offline_access", "mfa"], for: .admin, published: published)
            == ["tickets:read", "offline_access", "mfa"])
        #expect(RequestedAccess.grantable(["billing:read", "tickets:read"], for: .admin, published: nil) == ["billing:read", "tickets:read"])
        #expect(!RequestedAccess.grantable(nil, for: .admin, published: published).contains("billing:read"), "the default grant too")
        #expect(RequestedAccess.grantable(nil, for: .admin, published: published).contains("offline_access"))
    }

    @Test("The admin API's scope is never granted, whatever the request, role or metadata")
    func adminScopeNeverGranted() {
        for role in Role.allCases {
            #expect(!RequestedAccess.grantable([ResourceAdminAPI.scope, "tickets:read"], for: role, published: nil).contains(ResourceAdminAPI.scope))
            #expect(!RequestedAccess.grantable([ResourceAdminAPI.scope], for: role, published: [ResourceAdminAPI.scope]).contains(ResourceAdminAPI.scope))
            #expect(!RequestedAccess.grantable(nil, for: role, published: nil).contains(ResourceAdminAPI.scope))
        }
        #expect(ScopeCatalog.definition(named: ResourceAdminAPI.scope) == nil)
    }

    @Test("An authorize request for a switched-off module's scope (and the admin scope) reaches consent without them, and the code's grant holds neither")
    func consentAndGrant() async throws {
        let house = try await OAuthHouse.make(role: .admin, resourceTools: Self.withoutBilling)
        defer { house.remove() }
        let outcome = try await house.flow.authorize(
            query: house.query(["scope": "billing:read tickets:read \(ResourceAdminAPI.scope)"]), tenant: house.tenant, person: house.person,
            address: nil, now: Date())
        guard case .consent(let requestID) = outcome else {
            Issue.record("expected the consent page, got \(outcome)")
            return
        }
        let pending = try #require(try await house.flow.pendingConsent(requestID: requestID, tenant: house.tenant, user: house.user, now: Date()))
        #expect(pending.0.scopes == ["tickets:read"])
        let decision = try await house.flow.decide(requestID: requestID, allow: true, tenant: house.tenant, person: house.person, now: Date())
        guard case .redirect? = decision else {
            Issue.record("expected a redirect, got \(String(describing: decision))")
            return
        }
        let grants = try await house.environment.storage.activeGrants(tenantID: house.tenant.id, userID: house.user.id)
        #expect(grants.map(\.scopes) == [["tickets:read"]])
    }

    @Test("The consent page does not offer billing:read once the resource stops publishing it")
    func consentPage() async throws {
        try await AuthServerHTTPTests.withApplication(resourceTools: Self.withoutBilling) { environment, client in
            let person = try await environment.addPerson(email: "admin@example.com", role: .admin)
            let page = try await Browser(client: client).consentPage(environment, for: person, scope: "tickets:read billing:read")
            #expect(page.status == .ok)
            #expect(page.body.contains("tickets:read") && !page.body.contains("billing:read"))
        }
    }
}
