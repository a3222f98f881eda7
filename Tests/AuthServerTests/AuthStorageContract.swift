import Crypto
import Foundation
import Testing

@testable import AuthServerCore
import Shared

// The storage contract, written once over `any AuthStorage` and run on both engines (`AuthStorageCheck.all`).
// Every function makes its own tenants with fresh ids, so it also works against a shared, non-empty database.

private func uniqueTenant(_ label: String) -> Tenant {
    let id = "\(label)-\(UUID().uuidString.lowercased())"
    return Tenant(id: id, issuer: "https://\(id).example.com", resource: "https://\(id).example.com/mcp")
}

private func makeUser(_ tenant: Tenant, email: String, role: Role = .technician, company: String? = nil) -> User {
    User(
        tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: email, passwordHash: "$argon2id$v=19$not-a-real-hash",
        role: role, companyID: company, createdAt: wholeSecond()
    )
}

private func makeKey(_ tenant: Tenant, createdAt: Date) -> StoredSigningKey {
    let keyID = "kid-" + RandomIdentifier.make()
    return StoredSigningKey(
        tenantID: tenant.id, keyID: keyID, publicKey: JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: keyID),
        sealedPrivateKey: Data((0..<60).map { _ in UInt8.random(in: .min ... .max) }), createdAt: createdAt
    )
}

/// saveTenant inserts, then updates issuer and resource of the same id; allTenants lists them.
func exerciseTenantStore(_ store: any AuthStorage) async throws {
    let before = try await store.allTenants()
    let acme = uniqueTenant("acme")
    try await store.saveTenant(acme)
    var tenants = try await store.allTenants()
    #expect(tenants.count == before.count + 1)
    #expect(tenants.contains(acme))

    let moved = Tenant(id: acme.id, issuer: "https://auth.\(acme.id).example.org", resource: "https://mcp.\(acme.id).example.org/mcp")
    try await store.saveTenant(moved)
    tenants = try await store.allTenants()
    #expect(tenants.count == before.count + 1, "saving an existing id must update, not insert")
    #expect(tenants.first { $0.id == acme.id } == moved)
    #expect(!tenants.contains(acme))

    let globex = uniqueTenant("globex")
    try await store.saveTenant(globex)
    tenants = try await store.allTenants()
    #expect(tenants.count == before.count + 2)
    #expect(tenants.contains(globex) && tenants.contains(moved))

    // Disabling is a state of its own: saving the tenant again (a server reconciling its settings) keeps it.
    let disabledAt = wholeSecond()
    #expect(try await store.setTenantDisabled(tenantID: globex.id, at: disabledAt))
    #expect(try await store.setTenantDisabled(tenantID: globex.id, at: disabledAt) == false, "already disabled")
    try await store.saveTenant(globex)
    #expect(try await store.allTenants().first { $0.id == globex.id }?.disabledAt == disabledAt)
    #expect(try await store.allTenants().first { $0.id == moved.id }?.disabledAt == nil, "the other tenant is untouched")
    #expect(try await store.setTenantDisabled(tenantID: globex.id, at: nil))
    #expect(try await store.allTenants().first { $0.id == globex.id }?.disabledAt == nil)
    #expect(try await store.setTenantDisabled(tenantID: "no-such-\(UUID())", at: disabledAt) == false)
}

/// Users: insert, case-insensitive lookup, one email per tenant, and no tenant sees another's people.
/// Two tenants cannot share one issuer: the second is refused and only the first is listed.
func exerciseIssuerIsUnique(_ store: any AuthStorage) async throws {
    let first = uniqueTenant("first")
    try await store.saveTenant(first)
    let second = Tenant(id: uniqueTenant("second").id, issuer: first.issuer, resource: "https://second.example.com/mcp")
    await #expect(throws: (any Error).self) { try await store.saveTenant(second) }
    let ids = try await store.allTenants().map(\.id)
    #expect(ids.contains(first.id))
    #expect(!ids.contains(second.id))
}

func exerciseUserStore(_ store: any AuthStorage) async throws {
    let tenantA = uniqueTenant("a")
    let tenantB = uniqueTenant("b")
    try await store.saveTenant(tenantA)
    try await store.saveTenant(tenantB)

    let alice = makeUser(tenantA, email: "  Alice@Example.COM ", role: .company, company: "cust-42")
    #expect(alice.email == "alice@example.com")
    try await store.insertUser(alice)

    #expect(try await store.user(tenantID: tenantA.id, email: "alice@example.com") == alice)
    #expect(try await store.user(tenantID: tenantA.id, email: "ALICE@EXAMPLE.com") == alice)
    #expect(try await store.user(tenantID: tenantA.id, email: " alice@example.com\n") == alice)
    #expect(try await store.user(tenantID: tenantA.id, email: "bob@example.com") == nil)

    // Tenant scoping: B cannot see A's person.
    #expect(try await store.user(tenantID: tenantB.id, email: "alice@example.com") == nil)

    // One email per tenant, whatever its case.
    await #expect(throws: AuthStorageError.duplicateEmail) {
        try await store.insertUser(makeUser(tenantA, email: "ALICE@example.com"))
    }
    #expect(try await store.user(tenantID: tenantA.id, email: "alice@example.com") == alice)

    // The same email in another tenant is another person.
    let otherAlice = makeUser(tenantB, email: "alice@example.com", role: .admin)
    try await store.insertUser(otherAlice)
    #expect(try await store.user(tenantID: tenantB.id, email: "alice@example.com") == otherAlice)
    #expect(try await store.user(tenantID: tenantA.id, email: "alice@example.com") == alice)

    // A second person in A; role and a missing company round-trip.
    let bob = makeUser(tenantA, email: "bob@example.com", role: .admin)
    try await store.insertUser(bob)
    let storedBob = try #require(try await store.user(tenantID: tenantA.id, email: "bob@example.com"))
    #expect(storedBob == bob)
    #expect(storedBob.role == .admin)
    #expect(storedBob.companyID == nil)
}

/// Signing keys: insert, list newest first per tenant, retire all but one with a publication deadline.
/// A user of a tenant that does not exist is refused (foreign key), and not as a duplicate email.
func exerciseUserNeedsTenant(_ store: any AuthStorage) async throws {
    let orphan = User(
        tenantID: uniqueTenant("nobody").id, id: "usr_1", email: "alice@example.com", passwordHash: "hash", role: .admin, companyID: nil,
        createdAt: wholeSecond())
    let error = await #expect(throws: (any Error).self) { try await store.insertUser(orphan) }
    #expect(error as? AuthStorageError != .duplicateEmail)
    #expect(try await store.user(tenantID: orphan.tenantID, email: orphan.email) == nil)
}

func exerciseSigningKeyStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("keys")
    let neighbour = uniqueTenant("neighbour")
    try await store.saveTenant(tenant)
    try await store.saveTenant(neighbour)
    #expect(try await store.signingKeys(tenantID: tenant.id).isEmpty)

    let base = wholeSecond()
    let oldest = makeKey(tenant, createdAt: base)
    let middle = makeKey(tenant, createdAt: base.addingTimeInterval(10))
    let newest = makeKey(tenant, createdAt: base.addingTimeInterval(20))
    let neighbours = makeKey(neighbour, createdAt: base.addingTimeInterval(5))
    for key in [middle, neighbours, oldest] { try await store.insertSigningKey(key) }

    let listed = try await store.signingKeys(tenantID: tenant.id)
    #expect(listed.map(\.keyID) == [middle.keyID, oldest.keyID], "newest first, this tenant only")
    #expect(listed == [middle, oldest], "every field round-trips")
    #expect(listed.allSatisfy { $0.isActive(at: base) })

    // A rotation stores the new key, retires the others ahead of time and records itself, at once.
    let retiredAt = base.addingTimeInterval(30)
    let publishUntil = retiredAt.addingTimeInterval(TimeInterval(AuthPolicy.retiredKeyPublication))
    try await store.rotateSigningKeys(
        to: newest, retiringOthersAt: retiredAt, publishUntil: publishUntil,
        ledger: Ledger.entry(.keyRotated, tenantID: tenant.id, detail: newest.keyID, at: base))
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 10).map(\.detail) == [newest.keyID])

    let afterRetire = try await store.signingKeys(tenantID: tenant.id)
    #expect(afterRetire.filter { $0.isActive(at: retiredAt) }.map(\.keyID) == [newest.keyID])
    #expect(afterRetire.filter { $0.isActive(at: retiredAt.addingTimeInterval(-1)) }.count == 3, "retirement can be set ahead")
    let kept = try #require(afterRetire.first { $0.keyID == newest.keyID })
    #expect(kept.retiredAt == nil && kept.publishUntil == nil)
    for retired in afterRetire where retired.keyID != newest.keyID {
        #expect(retired.retiredAt == retiredAt)
        #expect(retired.publishUntil == publishUntil)
    }
    #expect(try await store.signingKeys(tenantID: neighbour.id) == [neighbours], "another tenant's keys are untouched")

    // A second rotation moves only keys that are still active; earlier deadlines stay.
    let next = makeKey(tenant, createdAt: base.addingTimeInterval(40))
    let laterRetiredAt = base.addingTimeInterval(50)
    try await store.rotateSigningKeys(
        to: next, retiringOthersAt: laterRetiredAt, publishUntil: laterRetiredAt.addingTimeInterval(100),
        ledger: Ledger.entry(.keyRotated, tenantID: tenant.id, detail: next.keyID, at: base))
    // One whose entry cannot be stored (another tenant's, which does not exist) changes no key.
    await #expect(throws: (any Error).self) {
        try await store.rotateSigningKeys(
            to: makeKey(tenant, createdAt: base.addingTimeInterval(60)), retiringOthersAt: base.addingTimeInterval(70), publishUntil: base.addingTimeInterval(80),
            ledger: Ledger.entry(.keyRotated, tenantID: "no-such-tenant", at: base))
    }
    let final = try await store.signingKeys(tenantID: tenant.id)
    #expect(final.map(\.keyID) == [next.keyID, newest.keyID, middle.keyID, oldest.keyID])
    #expect(final.first { $0.keyID == newest.keyID }?.retiredAt == laterRetiredAt)
    #expect(final.first { $0.keyID == oldest.keyID }?.retiredAt == retiredAt)
    #expect(final.first { $0.keyID == oldest.keyID }?.publishUntil == publishUntil)
}

private func makeClient(_ tenant: Tenant, kind: Client.Kind = .dynamic, fingerprint: String? = nil, createdAt: Date = wholeSecond()) -> Client {
    Client(
        tenantID: tenant.id, id: "gh_" + RandomIdentifier.make(), kind: kind, name: "Claude Code (desk)",
        redirectURIs: ["http://127.0.0.1/callback", "https://claude.ai/api/mcp/auth_callback"], authMethod: .none,
        registrationTokenHash: "rat-hash", scope: "tickets:read", registrationFingerprint: fingerprint, metadataJSON: "{}", createdAt: createdAt
    )
}

private func makeGrant(_ tenant: Tenant, user: User, client: Client, at: Date = wholeSecond()) -> Grant {
    Grant(
        tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: user.id, clientID: client.id, resource: tenant.resource,
        scopes: ["tickets:read"], createdAt: at, lastAuthorisedAt: at
    )
}

private func makeRefreshToken(_ grant: Grant, at: Date = wholeSecond()) -> RefreshTokenRecord {
    RefreshTokenRecord(
        tenantID: grant.tenantID, tokenHash: OpaqueToken.make(.refreshToken).hash, grantID: grant.id, clientID: grant.clientID,
        scopes: grant.scopes, resource: grant.resource, authentication: Authentication(authTime: at, methods: ["pwd"]), createdAt: at, expiresAt: at.addingTimeInterval(3600)
    )
}

/// Clients round-trip; fingerprints find only dynamic clients; reaping spares recently used ones.
func exerciseClientStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("clients")
    try await store.saveTenant(tenant)
    let old = wholeSecond(Date().addingTimeInterval(-40 * 86_400))
    let client = makeClient(tenant, fingerprint: "fp-1")
    try await store.saveClient(client)
    #expect(try await store.client(tenantID: tenant.id, id: client.id) == client)
    #expect(try await store.client(tenantID: tenant.id, fingerprint: "fp-1") == client)
    #expect(try await store.client(tenantID: uniqueTenant("other").id, id: client.id) == nil)

    // A registration commits with its ledger entry; one whose entry cannot be stored (here: another tenant's, which
    // does not exist) leaves no client behind either.
    let registered = makeClient(tenant)
    try await store.registerClient(registered, ledger: Ledger.entry(.clientRegistered, tenantID: tenant.id, clientID: registered.id, at: wholeSecond()))
    #expect(try await store.client(tenantID: tenant.id, id: registered.id) == registered)
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 10).map(\.clientID) == [registered.id])
    let orphan = makeClient(tenant)
    await #expect(throws: (any Error).self) {
        try await store.registerClient(orphan, ledger: Ledger.entry(.clientRegistered, tenantID: "no-such-tenant", clientID: orphan.id, at: wholeSecond()))
    }
    #expect(try await store.client(tenantID: tenant.id, id: orphan.id) == nil)

    let stale = makeClient(tenant, createdAt: old)
    var staleButUsed = makeClient(tenant, createdAt: old)
    staleButUsed.lastUsedAt = wholeSecond()
    let document = makeClient(tenant, kind: .metadataDocument, createdAt: old)
    let staleWithGrant = makeClient(tenant, createdAt: old)
    for client in [stale, staleButUsed, document, staleWithGrant] { try await store.saveClient(client) }
    let user = makeUser(tenant, email: "reaped@example.com")
    try await store.insertUser(user)
    try await store.saveGrant(makeGrant(tenant, user: user, client: staleWithGrant, at: old))
    #expect(try await store.reapDynamicClients(unusedSince: Date().addingTimeInterval(-30 * 86_400)) >= 2)
    #expect(try await store.client(tenantID: tenant.id, id: stale.id) == nil)
    // Only the reaped client that still had a live grant reaches the resource-servers.
    let reaped = try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10)
    #expect(reaped.map(\.kind) == [.client] && reaped.map(\.subject) == [staleWithGrant.id])
    #expect(try await store.client(tenantID: tenant.id, id: staleButUsed.id) != nil)
    #expect(try await store.client(tenantID: tenant.id, id: document.id) != nil)
    #expect(try await store.client(tenantID: tenant.id, id: client.id) != nil)
}

/// Codes and refresh tokens are spent and rotated exactly once; revoking a grant takes everything hanging from it.
func exerciseGrantStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("grants")
    try await store.saveTenant(tenant)
    let user = makeUser(tenant, email: "grants@example.com")
    try await store.insertUser(user)
    #expect(try await store.user(tenantID: tenant.id, id: user.id) == user)
    let client = makeClient(tenant)
    try await store.saveClient(client)
    var grant = makeGrant(tenant, user: user, client: client)
    try await store.saveGrant(grant)
    #expect(try await store.activeGrant(tenantID: tenant.id, userID: user.id, clientID: client.id, resource: tenant.resource) == grant)
    grant.scopes = ["offline_access", "tickets:read"]
    grant.lastAuthorisedAt = grant.lastAuthorisedAt.addingTimeInterval(5)
    try await store.saveGrant(grant)
    #expect(try await store.grant(tenantID: tenant.id, id: grant.id) == grant)
    #expect(try await store.activeGrants(tenantID: tenant.id, userID: user.id).map(\.id) == [grant.id])
    #expect(try await store.activeGrants(tenantID: tenant.id, userID: nil).map(\.id) == [grant.id])

    let now = wholeSecond()
    let code = AuthorizationCodeRecord(
        tenantID: tenant.id, codeHash: OpaqueToken.make(.authorizationCode).hash, grantID: grant.id, clientID: client.id, userID: user.id,
        redirectURI: "http://127.0.0.1/callback", codeChallenge: "c", resource: tenant.resource, scopes: ["tickets:read"],
        authentication: Authentication(authTime: now, methods: ["pwd", "otp", "mfa"], elevatedAt: now, elevatedBy: "rcode"), expiresAt: now.addingTimeInterval(60)
    )
    try await store.insertAuthorizationCode(code)
    #expect(try await store.authorizationCode(tenantID: tenant.id, codeHash: code.codeHash) == code)
    #expect(try await store.spendAuthorizationCode(tenantID: tenant.id, codeHash: code.codeHash, at: now))
    #expect(try await !store.spendAuthorizationCode(tenantID: tenant.id, codeHash: code.codeHash, at: now))
    #expect(try await store.authorizationCode(tenantID: tenant.id, codeHash: code.codeHash)?.usedAt == now)

    let refresh = makeRefreshToken(grant)
    try await store.insertRefreshToken(refresh)
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: refresh.tokenHash) == refresh)
    #expect(try await store.liveRefreshTokenCount(tenantID: tenant.id, grantID: grant.id, at: now) == 1)
    let live = makeRefreshToken(grant)
    let loser = makeRefreshToken(grant)
    let refreshed = { (detail: String) in
        Ledger.entry(.tokenRefreshed, tenantID: tenant.id, actorID: user.id, grantID: grant.id, clientID: client.id, detail: detail, at: now)
    }
    #expect(
        try await store.rotateRefreshToken(
            tenantID: tenant.id, tokenHash: refresh.tokenHash, at: now, successor: Data([1, 2]), replacement: live, ledger: refreshed("won")))
    #expect(
        try await !store.rotateRefreshToken(
            tenantID: tenant.id, tokenHash: refresh.tokenHash, at: now, successor: Data([3]), replacement: loser, ledger: refreshed("lost")))
    #expect(
        try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(grantID: grant.id), limit: 10).map(\.detail) == ["won"],
        "the rotation's entry commits with it; a lost race records nothing")
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: refresh.tokenHash)?.successor == Data([1, 2]))
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: live.tokenHash) == live)
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: loser.tokenHash) == nil, "a lost race stores nothing")
    #expect(try await store.liveRefreshTokenCount(tenantID: tenant.id, grantID: grant.id, at: now) == 1)
    #expect(try await store.client(tenantID: tenant.id, id: client.id)?.lastUsedAt == now, "the rotation marks the client used")

    #expect(try await store.consentedScopes(tenantID: tenant.id, userID: user.id, clientID: client.id) == nil, "never approved")
    try await store.saveConsent(tenantID: tenant.id, userID: user.id, clientID: client.id, scopes: [], at: now)
    #expect(try await store.consentedScopes(tenantID: tenant.id, userID: user.id, clientID: client.id) == [], "approved for nothing")
    try await store.saveConsent(tenantID: tenant.id, userID: user.id, clientID: client.id, scopes: ["tickets:read", "offline_access"], at: now)
    #expect(try await store.consentedScopes(tenantID: tenant.id, userID: user.id, clientID: client.id) == ["tickets:read", "offline_access"])

    let pending = PendingAuthorization(
        tenantID: tenant.id, idHash: OpaqueToken.make(.consentRequest).hash, userID: user.id, clientID: client.id,
        destination: .redirect(uri: "http://127.0.0.1/callback", state: "s", codeChallenge: "c"), resource: tenant.resource,
        scopes: ["tickets:read"], stepUp: true, expiresAt: now.addingTimeInterval(600)
    )
    try await store.insertPendingAuthorization(pending)
    #expect(try await store.takePendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: "someone-else", at: now) == nil)
    #expect(try await store.pendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: user.id, at: now) == pending)
    #expect(try await store.takePendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: user.id, at: now.addingTimeInterval(601)) == nil)
    #expect(try await store.takePendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: user.id, at: now) == pending)
    #expect(try await store.takePendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: user.id, at: now) == nil)

    #expect(try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10).isEmpty)
    let beforeRevoking = Int64(Date().timeIntervalSince1970)
    #expect(try await store.revokeGrant(tenantID: tenant.id, id: grant.id, reason: "test", at: now))
    #expect(try await !store.revokeGrant(tenantID: tenant.id, id: grant.id, reason: "again", at: now))
    // The feed has the grant once, in this tenant only.
    let events = try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10)
    #expect(events.map(\.subject) == [grant.id] && events.map(\.kind) == [.grant])
    #expect((beforeRevoking...Int64(Date().timeIntervalSince1970)).contains(events[0].at), "stamped when it was logged")
    #expect(try await store.revocationEvents(tenantID: tenant.id, after: events[0].seq, limit: 10).isEmpty)
    #expect(try await store.revocationEvents(tenantID: uniqueTenant("other").id, after: 0, limit: 10).isEmpty)
    #expect(try await store.latestRevocationSeq(tenantID: tenant.id) == events[0].seq)
    #expect(try await store.latestRevocationSeq(tenantID: uniqueTenant("other").id) == 0)
    // Each tenant numbers its own log: another tenant's revocation starts at 1 there and leaves this one's count.
    let neighbour = uniqueTenant("neighbour")
    try await store.saveTenant(neighbour)
    let neighbourUser = makeUser(neighbour, email: "n@example.com")
    try await store.insertUser(neighbourUser)
    let neighbourClient = makeClient(neighbour)
    try await store.saveClient(neighbourClient)
    let neighbourGrant = makeGrant(neighbour, user: neighbourUser, client: neighbourClient)
    try await store.saveGrant(neighbourGrant)
    #expect(try await store.revokeGrant(tenantID: neighbour.id, id: neighbourGrant.id, reason: "test", at: now))
    #expect(try await store.revocationEvents(tenantID: neighbour.id, after: 0, limit: 10).map(\.seq) == [1])
    let later = makeGrant(tenant, user: user, client: client)
    try await store.saveGrant(later)
    #expect(try await store.revokeGrant(tenantID: tenant.id, id: later.id, reason: "test", at: now))
    #expect(try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10).map(\.seq) == [events[0].seq, events[0].seq + 1])
    #expect(try await store.grant(tenantID: tenant.id, id: grant.id)?.revocationReason == "test")
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: live.tokenHash) == nil)
    #expect(try await store.authorizationCode(tenantID: tenant.id, codeHash: code.codeHash) == nil)
    #expect(try await store.consentedScopes(tenantID: tenant.id, userID: user.id, clientID: client.id) == nil)
    #expect(try await store.activeGrants(tenantID: tenant.id, userID: user.id).isEmpty)
    #expect(try await store.activeGrant(tenantID: tenant.id, userID: user.id, clientID: client.id, resource: tenant.resource) == nil)

    // Ending everything of one person at once: only their active grants, each on the log once.
    let other = makeUser(tenant, email: "other@example.com")
    try await store.insertUser(other)
    let mine = [makeGrant(tenant, user: user, client: client), makeGrant(tenant, user: user, client: client)]
    let theirs = makeGrant(tenant, user: other, client: client)
    for grant in mine + [theirs] { try await store.saveGrant(grant) }
    let minesToken = makeRefreshToken(mine[0])
    try await store.insertRefreshToken(minesToken)
    let before = try await store.latestRevocationSeq(tenantID: tenant.id)
    #expect(try await store.revokeGrants(tenantID: tenant.id, userID: user.id, reason: "password changed", at: now) == 2)
    #expect(try await store.revokeGrants(tenantID: tenant.id, userID: user.id, reason: "again", at: now) == 0)
    #expect(Set(try await store.revocationEvents(tenantID: tenant.id, after: before, limit: 10).map(\.subject)) == Set(mine.map(\.id)))
    #expect(try await store.grant(tenantID: tenant.id, id: mine[1].id)?.revocationReason == "password changed")
    #expect(try await store.refreshToken(tenantID: tenant.id, tokenHash: minesToken.tokenHash) == nil)
    #expect(try await store.grant(tenantID: tenant.id, id: theirs.id)?.isActive == true)

    // Saving a client again (a new registration token, a refreshed metadata document) keeps its grants;
    // deleting it takes them along.
    let second = makeGrant(tenant, user: user, client: client)
    try await store.saveGrant(second)
    var renamed = client
    renamed.name = "Claude"
    try await store.saveClient(renamed)
    #expect(try await store.grant(tenantID: tenant.id, id: second.id) == second)
    let beforeDeleting = try await store.latestRevocationSeq(tenantID: tenant.id)
    #expect(try await store.deleteClient(tenantID: tenant.id, id: client.id, ledger: Ledger.entry(.clientDeleted, tenantID: tenant.id, clientID: client.id, at: wholeSecond())))
    #expect(try await store.grant(tenantID: tenant.id, id: second.id) == nil)
    // A deleted client with live grants is one `client` event: every token it was issued ends.
    let deleted = try await store.revocationEvents(tenantID: tenant.id, after: beforeDeleting, limit: 10)
    #expect(deleted.map(\.kind) == [.client] && deleted.map(\.subject) == [client.id])
    // One without (nothing it was issued is still valid) needs none.
    let idle = makeClient(tenant)
    try await store.saveClient(idle)
    #expect(try await store.deleteClient(tenantID: tenant.id, id: idle.id, ledger: Ledger.entry(.clientDeleted, tenantID: tenant.id, clientID: idle.id, at: wholeSecond())))
    #expect(try await store.latestRevocationSeq(tenantID: tenant.id) == beforeDeleting + 1)

    // A person disabled: the storage-level append, numbered on from the tenant's last.
    try await store.appendRevocationEvent(tenantID: tenant.id, kind: .user, subject: other.id)
    let disabled = try await store.revocationEvents(tenantID: tenant.id, after: beforeDeleting + 1, limit: 10)
    #expect(disabled.map(\.seq) == [beforeDeleting + 2] && disabled.map(\.kind) == [.user] && disabled.map(\.subject) == [other.id])
    #expect(try await store.revocationEvents(tenantID: neighbour.id, after: 1, limit: 10).isEmpty, "the neighbour's log is untouched")
}

/// Users by id, and a password hash replaced in one tenant only.
func exerciseUserUpdates(_ store: any AuthStorage) async throws {
    let tenantA = uniqueTenant("a")
    let tenantB = uniqueTenant("b")
    try await store.saveTenant(tenantA)
    try await store.saveTenant(tenantB)
    let alice = makeUser(tenantA, email: "alice@example.com")
    var twin = makeUser(tenantB, email: "alice@example.com")
    twin.id = alice.id  // the same id in another tenant is another person
    try await store.insertUser(alice)
    try await store.insertUser(twin)

    #expect(try await store.user(tenantID: tenantA.id, id: alice.id) == alice)
    #expect(try await store.user(tenantID: tenantA.id, id: "usr_nobody") == nil)
    #expect(try await store.user(tenantID: tenantB.id, id: alice.id) == twin)

    #expect(try await store.updatePasswordHash(tenantID: tenantA.id, userID: alice.id, passwordHash: "$argon2id$new"))
    #expect(try await store.user(tenantID: tenantA.id, id: alice.id)?.passwordHash == "$argon2id$new")
    #expect(try await store.user(tenantID: tenantA.id, email: "alice@example.com")?.passwordHash == "$argon2id$new")
    #expect(try await store.user(tenantID: tenantB.id, id: alice.id)?.passwordHash == twin.passwordHash, "the other tenant's twin keeps hers")
    #expect(try await store.updatePasswordHash(tenantID: tenantA.id, userID: "usr_nobody", passwordHash: "x") == false)
}

private func makeSession(_ user: User, createdAt: Date, lastSeenAt: Date? = nil, methods: [String] = ["pwd"]) -> BrowserSession {
    BrowserSession(
        tenantID: user.tenantID, idHash: CookieSecret().hash, userID: user.id, createdAt: createdAt, lastSeenAt: lastSeenAt ?? createdAt,
        authTime: createdAt, authenticationMethods: methods)
}

/// Browser sessions: found by hash within their tenant only, touched, deleted one by one, per person but one,
/// and by expiry.
func exerciseBrowserSessionStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("sessions")
    let neighbour = uniqueTenant("neighbour")
    try await store.saveTenant(tenant)
    try await store.saveTenant(neighbour)
    let alice = makeUser(tenant, email: "alice@example.com")
    let bob = makeUser(tenant, email: "bob@example.com")
    let carol = makeUser(neighbour, email: "carol@example.com")
    for user in [alice, bob, carol] { try await store.insertUser(user) }

    let now = wholeSecond()
    let first = makeSession(alice, createdAt: now, methods: ["pwd", "otp"])
    let second = makeSession(alice, createdAt: now.addingTimeInterval(1))
    let bobs = makeSession(bob, createdAt: now)
    let carols = makeSession(carol, createdAt: now)
    for session in [first, second, bobs, carols] { try await store.insertSession(session) }

    #expect(try await store.session(tenantID: tenant.id, idHash: first.idHash) == first, "every field round-trips")
    let altered = (first.idHash.hasPrefix("0") ? "1" : "0") + first.idHash.dropFirst()
    #expect(try await store.session(tenantID: tenant.id, idHash: altered) == nil)
    #expect(try await store.session(tenantID: neighbour.id, idHash: first.idHash) == nil, "tenant scoping")
    await #expect(throws: (any Error).self, "an id hash is unique within its tenant") {
        try await store.insertSession(makeSession(bob, createdAt: now).with(idHash: first.idHash))
    }

    let later = now.addingTimeInterval(600)
    try await store.touchSession(tenantID: tenant.id, idHash: first.idHash, lastSeenAt: later)
    #expect(try await store.session(tenantID: tenant.id, idHash: first.idHash)?.lastSeenAt == later)
    try await store.touchSession(tenantID: neighbour.id, idHash: second.idHash, lastSeenAt: later)
    #expect(try await store.session(tenantID: tenant.id, idHash: second.idHash)?.lastSeenAt == second.lastSeenAt)

    // One person's sessions but one; other people and tenants untouched.
    let third = makeSession(alice, createdAt: now.addingTimeInterval(2))
    try await store.insertSession(third)
    try await store.deleteSessions(tenantID: tenant.id, userID: alice.id, except: second.idHash)
    #expect(try await store.session(tenantID: tenant.id, idHash: first.idHash) == nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: third.idHash) == nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: second.idHash) == second)
    #expect(try await store.session(tenantID: tenant.id, idHash: bobs.idHash) == bobs)
    try await store.deleteSessions(tenantID: tenant.id, userID: alice.id, except: nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: second.idHash) == nil)

    try await store.deleteSession(tenantID: neighbour.id, idHash: bobs.idHash)
    #expect(try await store.session(tenantID: tenant.id, idHash: bobs.idHash) == bobs, "deleting is tenant-scoped")
    try await store.deleteSession(tenantID: tenant.id, idHash: bobs.idHash)
    #expect(try await store.session(tenantID: tenant.id, idHash: bobs.idHash) == nil)

    // Expiry: idle (last seen too long ago) or too old, in this tenant only.
    let idle = makeSession(alice, createdAt: now, lastSeenAt: now)
    let old = makeSession(alice, createdAt: now.addingTimeInterval(-1000), lastSeenAt: now.addingTimeInterval(500))
    let fresh = makeSession(bob, createdAt: now.addingTimeInterval(100), lastSeenAt: now.addingTimeInterval(500))
    let neighbourIdle = makeSession(carol, createdAt: now.addingTimeInterval(-5000), lastSeenAt: now.addingTimeInterval(-5000))
    for session in [idle, old, fresh, neighbourIdle] { try await store.insertSession(session) }
    try await store.deleteExpiredSessions(
        tenantID: tenant.id, idleBefore: now.addingTimeInterval(1), createdBefore: now.addingTimeInterval(-999),
        pendingBefore: now)
    #expect(try await store.session(tenantID: tenant.id, idHash: idle.idHash) == nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: old.idHash) == nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: fresh.idHash) == fresh)
    #expect(try await store.session(tenantID: neighbour.id, idHash: neighbourIdle.idHash) == neighbourIdle)
    #expect(try await store.session(tenantID: neighbour.id, idHash: carols.idHash) == carols)
}

/// Half-done sign-ins: found by hash within their tenant, deleted, and expired by creation time.
func exercisePendingSignInStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("pending")
    let neighbour = uniqueTenant("neighbour")
    try await store.saveTenant(tenant)
    try await store.saveTenant(neighbour)
    let alice = makeUser(tenant, email: "alice@example.com")
    try await store.insertUser(alice)

    let now = wholeSecond()
    let pending = PendingSignIn(
        tenantID: tenant.id, idHash: CookieSecret().hash, userID: alice.id, returnTo: "/oauth/authorize?client_id=a&state=b",
        createdAt: now)
    try await store.insertPendingSignIn(pending)
    #expect(try await store.pendingSignIn(tenantID: tenant.id, idHash: pending.idHash) == pending)
    #expect(try await store.pendingSignIn(tenantID: neighbour.id, idHash: pending.idHash) == nil)
    #expect(try await store.session(tenantID: tenant.id, idHash: pending.idHash) == nil, "a half sign-in is no session")

    try await store.deletePendingSignIn(tenantID: neighbour.id, idHash: pending.idHash)
    #expect(try await store.pendingSignIn(tenantID: tenant.id, idHash: pending.idHash) == pending)
    try await store.deletePendingSignIn(tenantID: tenant.id, idHash: pending.idHash)
    #expect(try await store.pendingSignIn(tenantID: tenant.id, idHash: pending.idHash) == nil)

    let stale = PendingSignIn(tenantID: tenant.id, idHash: CookieSecret().hash, userID: alice.id, returnTo: "/account", createdAt: now)
    let recent = PendingSignIn(
        tenantID: tenant.id, idHash: CookieSecret().hash, userID: alice.id, returnTo: "/account", createdAt: now.addingTimeInterval(60))
    try await store.insertPendingSignIn(stale)
    try await store.insertPendingSignIn(recent)
    try await store.deleteExpiredSessions(
        tenantID: tenant.id, idleBefore: now, createdBefore: now, pendingBefore: now.addingTimeInterval(30))
    #expect(try await store.pendingSignIn(tenantID: tenant.id, idHash: stale.idHash) == nil)
    #expect(try await store.pendingSignIn(tenantID: tenant.id, idHash: recent.idHash) == recent)
}

extension BrowserSession {
    fileprivate func with(idHash: String) -> BrowserSession {
        var copy = self
        copy.idHash = idHash
        return copy
    }
}

/// Device authorizations: found by either code's hash, a live user code is unique, polls lengthen the interval
/// only when too soon, an answer lands once and only while pending and live, and tokens are issued once.
func exerciseDeviceAuthorizationStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("devices")
    try await store.saveTenant(tenant)
    let user = makeUser(tenant, email: "devices@example.com")
    try await store.insertUser(user)
    let client = makeClient(tenant)
    try await store.saveClient(client)
    let grant = makeGrant(tenant, user: user, client: client)
    try await store.saveGrant(grant)
    let now = wholeSecond()
    func make(userCode: String, at: Date = now) -> DeviceAuthorization {
        DeviceAuthorization(
            tenantID: tenant.id, deviceCodeHash: OpaqueToken.make(.deviceCode).hash, userCodeHash: userCode, clientID: client.id,
            resource: tenant.resource, requestedScopes: ["tickets:read"], createdAt: at, expiresAt: at.addingTimeInterval(600), interval: 5)
    }
    let first = make(userCode: "uc-1")
    #expect(try await store.insertDeviceAuthorization(first))
    #expect(try await !store.insertDeviceAuthorization(make(userCode: "uc-1")), "a live user code is not handed out twice")
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash) == first)
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, userCodeHash: "uc-1", at: now) == first)
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, userCodeHash: "uc-1", at: now.addingTimeInterval(600)) == nil)
    #expect(try await store.deviceAuthorization(tenantID: uniqueTenant("other").id, userCodeHash: "uc-1", at: now) == nil)
    var unnamed = make(userCode: "uc-unnamed")
    unnamed.requestedScopes = nil
    #expect(try await store.insertDeviceAuthorization(unnamed))
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: unnamed.deviceCodeHash)?.requestedScopes == nil)

    // Polls: another client's poll finds nothing and changes nothing; the first poll is never too soon.
    #expect(try await store.recordDevicePoll(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, clientID: "other", at: now, slowDownIncrement: 5) == nil)
    let poll = { (at: Date) in
        try #require(try await store.recordDevicePoll(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, clientID: client.id, at: at, slowDownIncrement: 5))
    }
    var polled = try await poll(now)
    #expect(!polled.tooSoon && polled.authorization.interval == 5 && polled.authorization.lastPolledAt == now)
    polled = try await poll(now.addingTimeInterval(5))
    #expect(!polled.tooSoon && polled.authorization.interval == 5)
    polled = try await poll(now.addingTimeInterval(9))
    #expect(polled.tooSoon && polled.authorization.interval == 10)
    polled = try await poll(now.addingTimeInterval(18))
    #expect(polled.tooSoon && polled.authorization.interval == 15, "the longer interval holds from then on")
    polled = try await poll(now.addingTimeInterval(33))
    #expect(!polled.tooSoon && polled.authorization.interval == 15)

    // Tokens are issued only once approved, and once.
    #expect(try await !store.spendDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, at: now))
    let authentication = Authentication(authTime: now, methods: ["pwd", "otp"], elevatedAt: now, elevatedBy: "otp")
    let approval = DeviceAuthorization.Approval(userID: user.id, grantID: grant.id, scopes: ["tickets:read"], authentication: authentication)
    #expect(try await !store.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, approval: approval, at: now.addingTimeInterval(600)), "expired")
    #expect(try await store.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, approval: approval, at: now))
    #expect(try await !store.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, approval: nil, at: now), "answered once")
    let approved = try #require(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash))
    #expect(approved.status == .approved && approved.userID == user.id && approved.grantID == grant.id && approved.scopes == ["tickets:read"])
    #expect(approved.authentication == authentication, "how the person proved themselves, elevation included, reaches the tokens")
    #expect(try await store.spendDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, at: now))
    #expect(try await !store.spendDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash, at: now))
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash)?.tokensIssuedAt == now)

    // A denial is recorded and issues nothing.
    #expect(try await store.answerDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: unnamed.deviceCodeHash, approval: nil, at: now))
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: unnamed.deviceCodeHash)?.status == .denied)
    #expect(try await !store.spendDeviceAuthorization(tenantID: tenant.id, deviceCodeHash: unnamed.deviceCodeHash, at: now))

    // Expired requests are swept when new ones arrive, which frees their user codes.
    let later = now.addingTimeInterval(601)
    #expect(try await store.insertDeviceAuthorization(make(userCode: "uc-1", at: later)))
    #expect(try await store.deviceAuthorization(tenantID: tenant.id, deviceCodeHash: first.deviceCodeHash) == nil)

    // A pending consent for a device round-trips with its destination.
    let pending = PendingAuthorization(
        tenantID: tenant.id, idHash: OpaqueToken.make(.consentRequest).hash, userID: user.id, clientID: client.id,
        destination: .device(codeHash: unnamed.deviceCodeHash), resource: tenant.resource, scopes: [], expiresAt: now.addingTimeInterval(600))
    try await store.insertPendingAuthorization(pending)
    #expect(try await store.takePendingAuthorization(tenantID: tenant.id, idHash: pending.idHash, userID: user.id, at: now) == pending)
}

/// Who may connect which apps: tenant settings default until saved; a person's permission round-trips and can be
/// given back to the role; a client's approval survives re-registration, keeps the first request, and the list
/// leaves resource-servers out; the admins to ask are the enabled ones.
func exerciseGovernanceStore(_ store: any AuthStorage) async throws {
    let tenant = uniqueTenant("governance")
    try await store.saveTenant(tenant)
    #expect(try await store.tenantGovernance(tenantID: tenant.id) == TenantGovernance(tenantID: tenant.id))
    let closed = TenantGovernance(tenantID: tenant.id, companyUsersMayConnect: false, appPolicy: .closed)
    try await store.saveTenantGovernance(closed, ledger: nil)
    #expect(try await store.tenantGovernance(tenantID: tenant.id) == closed)
    #expect(try await store.tenantGovernance(tenantID: uniqueTenant("other").id).appPolicy == AuthPolicy.appPolicy)

    let person = makeUser(tenant, email: "person@example.com")
    try await store.insertUser(person)
    #expect(try await store.user(tenantID: tenant.id, id: person.id)?.mayConnect == nil)
    #expect(try await store.setUserMayConnect(tenantID: tenant.id, userID: person.id, mayConnect: false, ledger: nil))
    #expect(try await store.user(tenantID: tenant.id, id: person.id)?.mayConnect == false)
    #expect(try await store.setUserMayConnect(tenantID: tenant.id, userID: person.id, mayConnect: nil, ledger: nil))
    #expect(try await store.user(tenantID: tenant.id, id: person.id)?.mayConnect == nil)
    #expect(try await !store.setUserMayConnect(tenantID: tenant.id, userID: "usr_nobody", mayConnect: true, ledger: nil))

    let admin = makeUser(tenant, email: "b-admin@example.com", role: .admin)
    let gone = makeUser(tenant, email: "a-gone@example.com", role: .admin)
    for user in [admin, gone] { try await store.insertUser(user) }
    _ = try await store.setUserDisabled(tenantID: tenant.id, userID: gone.id, at: wholeSecond(), ledger: nil)
    #expect(try await store.administratorEmails(tenantID: tenant.id) == ["b-admin@example.com"])

    let app = makeClient(tenant)
    #expect(app.approval.state == .pending)
    try await store.saveClient(app)
    let asked = wholeSecond()
    try await store.recordClientApprovalRequest(tenantID: tenant.id, id: app.id, userID: person.id, at: asked)
    try await store.recordClientApprovalRequest(tenantID: tenant.id, id: app.id, userID: admin.id, at: asked.addingTimeInterval(60))
    #expect(try await store.client(tenantID: tenant.id, id: app.id)?.approval == ClientApproval(state: .pending, requestedAt: asked, requestedBy: person.id))
    #expect(try await store.approveClient(tenantID: tenant.id, id: app.id, ledger: Ledger.entry(.clientApproved, tenantID: tenant.id, clientID: app.id, at: asked)))
    try await store.saveClient(app)  // a re-registration or refetched document keeps the decision
    #expect(try await store.client(tenantID: tenant.id, id: app.id)?.approval.state == .approved)
    #expect(try await !store.approveClient(tenantID: tenant.id, id: "gh_nobody", ledger: Ledger.entry(.clientApproved, tenantID: tenant.id, at: asked)))
    #expect(try await store.blockClient(tenantID: tenant.id, id: "gh_nobody", reason: "blocked", at: asked) { _ in Ledger.entry(.clientBlocked, tenantID: tenant.id, at: asked) } == nil)

    let server = makeClient(tenant, kind: .resourceServer)
    try await store.saveClient(server)
    #expect(server.approval.state == .approved)
    #expect(try await store.clients(tenantID: tenant.id).map(\.id) == [app.id])
}
