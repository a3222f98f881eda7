import Foundation
import Testing

@testable import AuthServerCore
import Shared

/// `PeopleDecisions`: what `auth-server admin user` and the admin pages both apply, on a real SQLite store.
@Suite("People decisions")
struct PeopleDecisionsTests {
    let directory: TemporaryDirectory
    let storage: SQLiteAuthStorage
    let people: PeopleDecisions
    let tenant = Tenant(id: Tenant.defaultID, issuer: "https://auth.example.com", resource: "https://mcp.example.com/mcp")

    init() async throws {
        directory = try TemporaryDirectory()
        storage = try SQLiteAuthStorage(path: directory.file("auth.sqlite"))
        people = PeopleDecisions(storage: storage)
        try await storage.saveTenant(tenant)
    }

    private func add(_ email: String, _ role: Role = .technician, company: String? = nil) async throws -> User {
        try await people.add(email: email, role: role, companyID: company, password: "correct horse battery", tenant: tenant, by: nil, now: Date())
    }

    private func refusal(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let refusal as PeopleDecisions.Refusal {
            return refusal.message
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test("a new person's password is held to PasswordRules' lengths, at both bounds, and stored as argon2id only")
    func passwordLengths() async throws {
        let minimum = AuthPolicy.Passwords.minimumLength
        let maximum = AuthPolicy.Passwords.maximumLength
        for (index, length) in [0, minimum - 1, minimum, maximum, maximum + 1].enumerated() {
            let password = String(repeating: "é", count: length)
            let message = await refusal {
                _ = try await people.add(email: "p\(index)@example.com", role: .technician, companyID: nil, password: password, tenant: tenant, by: nil, now: Date())
            }
            #expect(message == PasswordRules.lengthProblem(password)?.message, "\(length) characters")
        }
        let stored = try #require(try await storage.user(tenantID: tenant.id, email: "p2@example.com"))
        #expect(stored.passwordHash.hasPrefix("$argon2id$"))
    }

    @Test("emails, companies and duplicates are refused in words, and nothing is stored")
    func refusedAdditions() async throws {
        for email in ["", "no-at-sign", "@example.com", "a@b", "a b@example.com", "<b>x</b>@example.com", "a@example..com.", "a@exa_mple.com", String(repeating: "a", count: 400) + "@example.com"] {
            #expect(await refusal { _ = try await add(email) } != nil, "\(email.prefix(20))")
        }
        #expect(await refusal { _ = try await add("c@example.com", .company) } == "A company user needs the customer id of their company.")
        #expect(await refusal { _ = try await add("c@example.com", .company, company: "acme; drop table") }?.contains("is not a customer id") == true)
        #expect(await refusal { _ = try await add("t@example.com", .technician, company: "cust_1") } == "Only company users belong to one company.")
        _ = try await add("Same@Example.com ")
        #expect(await refusal { _ = try await add("same@example.com") } == "A person with the email same@example.com is already here.")
        #expect(try await storage.users(tenantID: tenant.id).map(\.email) == ["same@example.com"])
    }

    @Test("a new role ends every grant the person gave, with a revocation event for each; the same role is refused")
    func roleChangeEndsGrants() async throws {
        let person = try await add("tech@example.com")
        let bystander = try await add("other@example.com")
        try await storage.saveClient(
            Client(
                tenantID: tenant.id, id: "app", kind: .dynamic, name: "An app", redirectURIs: ["http://127.0.0.1/callback"], authMethod: .none,
                registrationTokenHash: "rat-hash", scope: "tickets:read", registrationFingerprint: nil, metadataJSON: "{}", createdAt: Date()))
        for user in [person, person, bystander] {
            try await storage.saveGrant(
                Grant(tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: "app", resource: tenant.resource,
                      scopes: ["tickets:read"], createdAt: Date(), lastAuthorisedAt: Date()))
        }
        let before = try await storage.revocationEvents(tenantID: tenant.id, after: 0, limit: 100).count
        #expect(try await people.setRole(of: person, to: .company, companyID: "cust_1", by: nil, now: Date()) == 2)
        let changed = try #require(try await storage.user(tenantID: tenant.id, id: person.id))
        #expect(changed.role == .company && changed.companyID == "cust_1")
        #expect(try await storage.activeGrants(tenantID: tenant.id, userID: person.id).isEmpty)
        #expect(try await storage.activeGrants(tenantID: tenant.id, userID: bystander.id).count == 1)
        let events = try await storage.revocationEvents(tenantID: tenant.id, after: 0, limit: 100).dropFirst(before)
        #expect(events.map(\.kind) == [.grant, .grant])
        #expect(await refusal { _ = try await people.setRole(of: changed, to: .company, companyID: "cust_1", by: nil, now: Date()) } != nil)
        #expect(await refusal { _ = try await people.setRole(of: changed, to: .admin, companyID: "cust_1", by: nil, now: Date()) } != nil)
    }

    @Test("disable, enable, connect permission and two-step reset say so when there is nothing to do")
    func statesAreReported() async throws {
        let person = try await add("p@example.com")
        try await people.disable(person, by: nil, now: Date())
        #expect(await refusal { try await people.disable(person, by: nil, now: Date()) } == "p@example.com is already disabled.")
        try await people.enable(person, by: nil, now: Date())
        #expect(await refusal { try await people.enable(person, by: nil, now: Date()) } == "p@example.com is not disabled.")
        #expect(await refusal { try await people.resetSecondFactor(of: person, now: Date()) } == "p@example.com has no two-step sign-in to reset.")
        try await people.setMayConnect(of: person, to: false, by: nil, now: Date())
        #expect(try await storage.user(tenantID: tenant.id, id: person.id)?.mayConnect == false)
        let gone = User(tenantID: tenant.id, id: "usr_gone", email: "gone@example.com", passwordHash: "", role: .technician, companyID: nil, createdAt: Date())
        #expect(await refusal { try await people.setMayConnect(of: gone, to: true, by: nil, now: Date()) } == "gone@example.com is no longer here.")
    }

    @Test("each decision is in the ledger, committed with it, with the admin who made it or as the command line's")
    func decisionsAreRecorded() async throws {
        let admin = try await add("admin@example.com", .admin)
        let person = try await people.add(email: "p@example.com", role: .technician, companyID: nil, password: "correct horse battery", tenant: tenant, by: admin, now: Date())
        _ = try await people.setRole(of: person, to: .company, companyID: "cust_1", by: admin, now: Date())
        try await people.setMayConnect(of: person, to: nil, by: admin, now: Date())
        try await people.disable(person, by: nil, now: Date())
        try await people.enable(person, by: admin, now: Date())
        #expect(await refusal { try await people.enable(person, by: admin, now: Date()) } != nil)
        let entries = try await storage.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(personID: person.id), limit: 20).reversed()
            .filter { $0.event != LedgerEvent.grantRevoked.rawValue }
        #expect(entries.map(\.event) == ["person.added", "person.role_changed", "person.may_connect_changed", "person.disabled", "person.enabled"])
        #expect(entries.map(\.actorID) == [admin.id, admin.id, admin.id, nil, admin.id])
        #expect(entries.allSatisfy { $0.subjectID == person.id })
        #expect(entries.map(\.detail) == [
            "p@example.com: technician", "p@example.com: company user of cust_1", "p@example.com: as their role and the tenant decide",
            "p@example.com; by an administrator (command line)", "p@example.com",
        ])
    }
}
