import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// One tenant with a technician (the house's person), a second technician and an admin, each with a
/// grant to the house's client, and a second tenant with a person, a client and a grant of its own.
struct ConnectedAppsHouse {
    let house: OAuthHouse
    let colleague: User
    let admin: User
    let otherTenant: Tenant
    let stranger: User
    /// By user id.
    let grants: [String: Grant]

    var apps: ConnectedApps { ConnectedApps(storage: house.environment.storage, logger: Logger(label: "test")) }

    static func make() async throws -> ConnectedAppsHouse {
        let house = try await OAuthHouse.make()
        let storage = house.environment.storage
        func person(_ email: String, _ role: Role, in tenant: Tenant) async throws -> User {
            let user = User(
                tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: email, passwordHash: "x", role: role, companyID: nil,
                createdAt: wholeSecond())
            try await storage.insertUser(user)
            return user
        }
        let otherTenant = Tenant(id: "globex", issuer: "https://globex.example.com", resource: "https://globex.example.com/mcp")
        try await storage.saveTenant(otherTenant)
        let colleague = try await person("colleague@example.com", .technician, in: house.tenant)
        let admin = try await person("admin@example.com", .admin, in: house.tenant)
        let stranger = try await person("admin@globex.example.com", .admin, in: otherTenant)
        var otherClient = house.client
        otherClient.tenantID = otherTenant.id
        try await storage.saveClient(otherClient)

        var grants: [String: Grant] = [:]
        for (user, tenant) in [(house.user, house.tenant), (colleague, house.tenant), (admin, house.tenant), (stranger, otherTenant)] {
            let grant = Grant(
                tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: house.client.id, resource: tenant.resource,
                scopes: ["tickets:read"], createdAt: wholeSecond(), lastAuthorisedAt: wholeSecond())
            try await storage.saveGrant(grant)
            grants[user.id] = grant
        }
        return ConnectedAppsHouse(house: house, colleague: colleague, admin: admin, otherTenant: otherTenant, stranger: stranger, grants: grants)
    }

    func grant(of user: User) -> Grant { grants[user.id]! }

    func isActive(_ grant: Grant) async throws -> Bool {
        try await house.environment.storage.grant(tenantID: grant.tenantID, id: grant.id)?.isActive == true
    }
}

@Suite("Connected apps")
struct ConnectedAppsTests {
    @Test("a person sees only their own grants, without an owner column")
    func ownGrantsOnly() async throws {
        let setup = try await ConnectedAppsHouse.make()
        defer { setup.house.remove() }
        let listed = try await setup.apps.list(for: setup.house.user, now: Date())
        #expect(listed.map(\.grantID) == [setup.grant(of: setup.house.user).id])
        #expect(listed.first?.ownerEmail == nil)
        #expect(listed.first?.clientName == setup.house.client.name)
        #expect(listed.first?.clientHost == nil, "a registered client's host is unverified")
    }

    @Test("an admin sees every grant in the tenant with the owner's email, and nothing from another tenant")
    func adminSeesTenant() async throws {
        let setup = try await ConnectedAppsHouse.make()
        defer { setup.house.remove() }
        let listed = try await setup.apps.list(for: setup.admin, now: Date())
        let byGrant = Dictionary(uniqueKeysWithValues: listed.map { ($0.grantID, $0) })
        #expect(Set(byGrant.keys) == [setup.grant(of: setup.house.user).id, setup.grant(of: setup.colleague).id, setup.grant(of: setup.admin).id])
        #expect(byGrant[setup.grant(of: setup.house.user).id]?.ownerEmail == setup.house.user.email)
        #expect(byGrant[setup.grant(of: setup.colleague).id]?.ownerEmail == setup.colleague.email)
        #expect(byGrant[setup.grant(of: setup.admin).id]?.ownerEmail == nil, "the admin's own grant needs no owner")
        // The other tenant's admin sees only their tenant.
        #expect(try await setup.apps.list(for: setup.stranger, now: Date()).map(\.grantID) == [setup.grant(of: setup.stranger).id])
    }

    @Test("a technician cannot revoke another person's grant by its id; their own, yes")
    func technicianRevokes() async throws {
        let setup = try await ConnectedAppsHouse.make()
        defer { setup.house.remove() }
        let theirs = setup.grant(of: setup.colleague)
        #expect(try await setup.apps.revoke(grantID: theirs.id, by: setup.house.user, now: Date()) == nil)
        #expect(try await setup.isActive(theirs))
        let own = setup.grant(of: setup.house.user)
        #expect(try await setup.apps.revoke(grantID: own.id, by: setup.house.user, now: Date()) == setup.house.client.name)
        #expect(try await !setup.isActive(own))
        #expect(try await setup.apps.revoke(grantID: own.id, by: setup.house.user, now: Date()) == nil, "already ended")
        #expect(try await setup.apps.revoke(grantID: "grant_nonexistent", by: setup.house.user, now: Date()) == nil)
    }

    @Test("an admin revokes anyone's grant in the tenant; a grant in another tenant is never revocable, not even by its admin's id")
    func adminRevokes() async throws {
        let setup = try await ConnectedAppsHouse.make()
        defer { setup.house.remove() }
        let colleague = setup.grant(of: setup.colleague)
        #expect(try await setup.apps.revoke(grantID: colleague.id, by: setup.admin, now: Date()) == setup.house.client.name)
        #expect(try await !setup.isActive(colleague))
        #expect(try await setup.apps.list(for: setup.colleague, now: Date()).isEmpty)

        let foreign = setup.grant(of: setup.stranger)
        #expect(try await setup.apps.revoke(grantID: foreign.id, by: setup.admin, now: Date()) == nil)
        #expect(try await setup.isActive(foreign))
        let acme = setup.grant(of: setup.house.user)
        #expect(try await setup.apps.revoke(grantID: acme.id, by: setup.stranger, now: Date()) == nil)
        #expect(try await setup.isActive(acme))
    }
}
