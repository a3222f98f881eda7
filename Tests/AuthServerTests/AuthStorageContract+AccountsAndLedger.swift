import Foundation
import Testing

@testable import AuthServerCore
import Shared

// More of the storage contract (see AuthStorageContract.swift): second factors, personal access tokens, service
// accounts, disabling people and the audit ledger, run by both engines' suites.

private func tenantWithPerson(_ store: any AuthStorage, _ label: String) async throws -> (Tenant, User) {
    let id = "\(label)-\(UUID().uuidString.lowercased())"
    let tenant = Tenant(id: id, issuer: "https://\(id).example.com", resource: "https://\(id).example.com/mcp")
    try await store.saveTenant(tenant)
    let user = User(
        tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: "\(label)@example.com", passwordHash: "not-a-hash", role: .technician,
        companyID: nil, createdAt: wholeSecond())
    try await store.insertUser(user)
    return (tenant, user)
}

private func client(_ tenant: Tenant, id: String = "gh_" + RandomIdentifier.make()) -> Client {
    Client(
        tenantID: tenant.id, id: id, kind: .dynamic, name: "App", redirectURIs: ["http://127.0.0.1/callback"], authMethod: .none,
        scope: "tickets:read", createdAt: wholeSecond())
}

private func grant(_ tenant: Tenant, holder: String, client: Client, scopes: [String] = ["tickets:read"]) -> Grant {
    Grant(
        tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: holder, clientID: client.id, resource: tenant.resource, scopes: scopes,
        createdAt: wholeSecond(), lastAuthorisedAt: wholeSecond())
}

/// Enrolment, replay-proof steps, recovery codes, and removal ending every elevation (revocation log, ledger).
func exerciseSecondFactorStore(_ store: any AuthStorage) async throws {
    let (tenant, user) = try await tenantWithPerson(store, "totp")
    let now = wholeSecond()
    let factor = StoredSecondFactor(tenantID: tenant.id, userID: user.id, sealedSecret: Data([1, 2, 3, 0, 255]), createdAt: now)
    #expect(try await store.beginSecondFactor(factor))
    #expect(try await store.secondFactor(tenantID: tenant.id, userID: user.id) == factor)
    #expect(try await store.acceptSecondFactorStep(tenantID: tenant.id, userID: user.id, step: 1) == false, "not on yet")
    #expect(try await store.enableSecondFactor(tenantID: tenant.id, userID: user.id, at: now, step: 10, recoveryCodeHashes: ["r1", "r2"]))
    #expect(try await store.enableSecondFactor(tenantID: tenant.id, userID: user.id, at: now, step: 11, recoveryCodeHashes: []) == false)
    #expect(try await store.beginSecondFactor(factor) == false, "a factor that is on is left alone")
    #expect(try await store.secondFactor(tenantID: tenant.id, userID: user.id)?.enabledAt == now)
    #expect(try await store.acceptSecondFactorStep(tenantID: tenant.id, userID: user.id, step: 10) == false, "a replay of the enrolment's step")
    #expect(try await store.acceptSecondFactorStep(tenantID: tenant.id, userID: user.id, step: 11))
    #expect(try await store.unusedRecoveryCodes(tenantID: tenant.id, userID: user.id) == 2)
    #expect(try await store.spendRecoveryCode(tenantID: tenant.id, userID: user.id, codeHash: "r1", at: now))
    #expect(try await store.spendRecoveryCode(tenantID: tenant.id, userID: user.id, codeHash: "r1", at: now) == false)
    #expect(try await store.unusedRecoveryCodes(tenantID: tenant.id, userID: user.id) == 1)
    try await store.replaceRecoveryCodes(tenantID: tenant.id, userID: user.id, hashes: ["n1", "n2", "n3"])
    #expect(try await store.unusedRecoveryCodes(tenantID: tenant.id, userID: user.id) == 3)

    #expect(try await store.takeSecondFactorResetNotice(tenantID: tenant.id, userID: user.id) == nil)
    #expect(try await store.removeSecondFactor(tenantID: tenant.id, userID: user.id, at: now, byAdministrator: true))
    #expect(try await store.removeSecondFactor(tenantID: tenant.id, userID: user.id, at: now, byAdministrator: true) == false)
    #expect(try await store.secondFactor(tenantID: tenant.id, userID: user.id) == nil)
    #expect(try await store.unusedRecoveryCodes(tenantID: tenant.id, userID: user.id) == 0)
    #expect(try await store.takeSecondFactorResetNotice(tenantID: tenant.id, userID: user.id) == now)
    #expect(try await store.takeSecondFactorResetNotice(tenantID: tenant.id, userID: user.id) == nil, "read once")
    let events = try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10)
    #expect(events.map(\.kind) == [.elevation] && events.map(\.subject) == [user.id])
    let ledger = try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(personID: user.id), limit: 10).map(\.event)
    #expect(ledger == [LedgerEvent.secondFactorReset.rawValue, LedgerEvent.secondFactorEnabled.rawValue])
}

/// Tokens live as long as their grant; regenerating ends the old grant; elevation and use are recorded.
func exercisePersonalAccessTokenStore(_ store: any AuthStorage) async throws {
    let (tenant, user) = try await tenantWithPerson(store, "pat")
    let patClient = client(tenant, id: AuthPolicy.PersonalAccessTokens.clientID)
    try await store.saveClient(patClient)
    let now = wholeSecond()
    func token(_ grant: Grant, label: String) -> PersonalAccessTokenRecord {
        PersonalAccessTokenRecord(
            tenantID: tenant.id, id: "pat_" + RandomIdentifier.make(), grantID: grant.id, userID: user.id, tokenHash: "hash-" + RandomIdentifier.make(),
            label: label, scopes: grant.scopes, companyID: nil, createdAt: now, expiresAt: now.addingTimeInterval(86_400))
    }
    let firstGrant = grant(tenant, holder: user.id, client: patClient, scopes: ["tickets:read", "tickets:write"])
    let first = token(firstGrant, label: "laptop")
    try await store.insertPersonalAccessToken(first, grant: firstGrant, ledger: Ledger.entry(.patCreated, tenantID: tenant.id, grantID: firstGrant.id, at: now))
    #expect(try await store.personalAccessToken(tenantID: tenant.id, tokenHash: first.tokenHash) == first)
    #expect(try await store.personalAccessToken(tenantID: tenant.id, id: first.id) == first)
    #expect(try await store.personalAccessTokens(tenantID: tenant.id, userID: user.id) == [first])
    #expect(try await store.personalAccessTokens(tenantID: tenant.id, userID: nil) == [first])
    #expect(try await store.personalAccessTokens(tenantID: tenant.id, userID: "usr_other").isEmpty)

    try await store.recordPersonalAccessTokenUse(tenantID: tenant.id, id: first.id, at: now, address: "192.0.2.1")
    try await store.recordPersonalAccessTokenUse(tenantID: tenant.id, id: first.id, at: now.addingTimeInterval(5), address: "192.0.2.2")
    let used = try await store.personalAccessToken(tenantID: tenant.id, id: first.id)
    #expect(used?.lastUsedAt == now && used?.lastUsedAddress == "192.0.2.1", "a use moments after the last is not recorded")

    #expect(try await store.elevatePersonalAccessToken(tenantID: tenant.id, id: first.id, at: now, until: now.addingTimeInterval(600)))
    #expect(try await store.personalAccessToken(tenantID: tenant.id, id: first.id)?.elevatedUntil == now.addingTimeInterval(600))
    #expect(try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10).map(\.kind) == [.changed])

    let secondGrant = grant(tenant, holder: user.id, client: patClient)
    let second = token(secondGrant, label: "laptop")
    let regenerated = Ledger.entry(.patRegenerated, tenantID: tenant.id, grantID: secondGrant.id, at: now)
    #expect(try await store.replacePersonalAccessToken(first, with: second, grant: secondGrant, at: now, ledger: regenerated))
    #expect(try await store.replacePersonalAccessToken(first, with: token(secondGrant, label: "again"), grant: secondGrant, at: now, ledger: regenerated) == false)
    #expect(try await store.personalAccessToken(tenantID: tenant.id, id: first.id) == nil)
    #expect(try await store.personalAccessTokens(tenantID: tenant.id, userID: user.id).map(\.id) == [second.id])
    #expect(try await store.elevatePersonalAccessToken(tenantID: tenant.id, id: first.id, at: now, until: now) == false)
}

/// Disabling a person ends their sessions and grants at once and logs a `user` event; enabling them again does not.
func exerciseUserDisabling(_ store: any AuthStorage) async throws {
    let (tenant, user) = try await tenantWithPerson(store, "disable")
    let app = client(tenant)
    try await store.saveClient(app)
    let given = grant(tenant, holder: user.id, client: app)
    try await store.saveGrant(given)
    let now = wholeSecond()
    try await store.insertSession(
        BrowserSession(tenantID: tenant.id, idHash: "session", userID: user.id, createdAt: now, lastSeenAt: now, authTime: now, authenticationMethods: ["pwd"]))
    #expect(try await store.setUserDisabled(tenantID: tenant.id, userID: user.id, at: now, ledger: nil))
    #expect(try await store.setUserDisabled(tenantID: tenant.id, userID: user.id, at: now, ledger: nil) == false)
    #expect(try await store.user(tenantID: tenant.id, id: user.id)?.disabledAt == now)
    #expect(try await store.session(tenantID: tenant.id, idHash: "session") == nil)
    #expect(try await store.grant(tenantID: tenant.id, id: given.id)?.revocationReason == "person disabled")
    let events = try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10)
    #expect(events.map(\.kind) == [.grant, .user] && events.map(\.seq) == [1, 2])
    #expect(try await store.setUserDisabled(tenantID: tenant.id, userID: user.id, at: nil, ledger: nil))
    #expect(try await store.user(tenantID: tenant.id, id: user.id)?.disabledAt == nil)
    #expect(try await store.latestRevocationSeq(tenantID: tenant.id) == 2)
}

/// Accounts are stored with their client and grant; rotating replaces the secrets; revoking ends the grant.
func exerciseServiceAccountStore(_ store: any AuthStorage) async throws {
    let (tenant, admin) = try await tenantWithPerson(store, "svc")
    var accountClient = client(tenant, id: "svc_" + RandomIdentifier.make())
    accountClient.secretHashes = ["old-hash"]
    let accountGrant = grant(tenant, holder: accountClient.id, client: accountClient, scopes: ["tickets:read"])
    let account = ServiceAccount(
        tenantID: tenant.id, id: accountClient.id, grantID: accountGrant.id, name: "Nightly export", scopes: ["tickets:read"], companyID: nil,
        createdBy: admin.id, createdAt: wholeSecond())
    let noted = Ledger.entry(.serviceAccountCreated, tenantID: tenant.id, subjectID: accountClient.id, at: wholeSecond())
    try await store.insertServiceAccount(account, client: accountClient, grant: accountGrant, ledger: noted)
    #expect(try await store.serviceAccount(tenantID: tenant.id, id: account.id) == account)
    #expect(try await store.serviceAccounts(tenantID: tenant.id) == [account])
    let now = wholeSecond()
    #expect(try await store.replaceServiceAccountCredentials(tenantID: tenant.id, id: account.id, secretHashes: ["a", "b"], at: now, ledger: noted))
    #expect(try await store.client(tenantID: tenant.id, id: account.id)?.secretHashes == ["a", "b"])
    #expect(try await store.serviceAccount(tenantID: tenant.id, id: account.id)?.secretRotatedAt == now)
    #expect(try await store.revokeServiceAccount(tenantID: tenant.id, id: account.id, reason: "done", at: now, ledger: noted))
    #expect(try await store.revokeServiceAccount(tenantID: tenant.id, id: account.id, reason: "done", at: now, ledger: noted) == false)
    #expect(try await store.replaceServiceAccountCredentials(tenantID: tenant.id, id: account.id, secretHashes: ["c"], at: now, ledger: noted) == false)
    #expect(try await store.client(tenantID: tenant.id, id: account.id)?.secretHashes == [])
    #expect(try await store.serviceAccount(tenantID: tenant.id, id: account.id)?.revokedAt == now)
    #expect(try await store.grant(tenantID: tenant.id, id: accountGrant.id)?.revokedAt == now)
    #expect(try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10).map(\.subject) == [accountGrant.id])
}

/// The ledger: newest first per person, grant and time; pages in stored order; pruning by age.
func exerciseLedgerStore(_ store: any AuthStorage) async throws {
    let (tenant, user) = try await tenantWithPerson(store, "ledger")
    let now = wholeSecond()
    let entries = [
        Ledger.entry(.signInFailed, tenantID: tenant.id, actorEmail: "ghost@example.com", outcome: "unknown_person", at: now.addingTimeInterval(-30)),
        Ledger.entry(.consentGiven, tenantID: tenant.id, actorID: user.id, grantID: "grant_a", at: now.addingTimeInterval(-20)),
        Ledger.entry(.grantRevoked, tenantID: tenant.id, subjectID: user.id, grantID: "grant_a", detail: "by admin", at: now.addingTimeInterval(-10)),
        Ledger.entry(.keyRotated, tenantID: tenant.id, at: now),
    ]
    try await store.appendLedger(entries)
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 10) == entries.reversed())
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 2) == [entries[3], entries[2]])
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(grantID: "grant_a"), limit: 10) == [entries[2], entries[1]])
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(personID: user.id), limit: 10) == [entries[2], entries[1]])
    #expect(
        try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(personID: user.id, personEmail: "ghost@example.com"), limit: 10)
            == [entries[2], entries[1], entries[0]])
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(personEmail: " GHOST@example.com"), limit: 10) == [entries[0]])
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(since: now.addingTimeInterval(-10)), limit: 10) == [entries[3], entries[2]])
    let firstPage = try await store.ledgerPage(tenantID: tenant.id, matching: LedgerFilter(), after: 0, limit: 3)
    #expect(firstPage.map(\.entry) == Array(entries[0..<3]))
    let secondPage = try await store.ledgerPage(tenantID: tenant.id, matching: LedgerFilter(), after: firstPage[2].position, limit: 3)
    #expect(secondPage.map(\.entry) == [entries[3]])
    #expect(try await store.ledgerEntries(tenantID: "other-\(tenant.id)", matching: LedgerFilter(), limit: 10).isEmpty)
    #expect(try await store.pruneLedger(before: now.addingTimeInterval(-15)) >= 2)
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 10) == [entries[3], entries[2]])
}

/// Every change that has a ledger entry of its own commits with it: the entry is there once the call returns, a
/// change whose entry cannot be stored (here: one for a tenant that does not exist) leaves nothing changed, and a
/// call that changes nothing records nothing. So a process killed between the two cannot leave a change unaudited.
func exerciseChangesCommitWithTheirEntries(_ store: any AuthStorage) async throws {
    let (tenant, user) = try await tenantWithPerson(store, "atomic")
    let now = wholeSecond()
    @Sendable func entry(_ event: LedgerEvent, _ detail: String) -> LedgerEntry { Ledger.entry(event, tenantID: tenant.id, detail: detail, at: now) }
    let unstorable = Ledger.entry(.adminAction, tenantID: "no-such-tenant", at: now)
    func recorded() async throws -> [String] {
        try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(), limit: 100).filter { $0.event != LedgerEvent.grantRevoked.rawValue }
            .compactMap(\.detail).reversed()
    }

    // Consent: the grant and `consent.given`.
    let app = client(tenant)
    try await store.saveClient(app)
    let consented = grant(tenant, holder: user.id, client: app)
    await #expect(throws: (any Error).self) { try await store.saveGrant(consented, ledger: unstorable) }
    #expect(try await store.grant(tenantID: tenant.id, id: consented.id) == nil)
    try await store.saveGrant(consented, ledger: entry(.consentGiven, "consent"))

    // Revoking with an entry of its own (a personal access token's): both, with the grant's own `grant.revoked`.
    await #expect(throws: (any Error).self) {
        try await store.revokeGrant(tenantID: tenant.id, id: consented.id, reason: "test", at: now, ledger: unstorable)
    }
    #expect(try await store.grant(tenantID: tenant.id, id: consented.id)?.isActive == true)
    #expect(try await store.revokeGrant(tenantID: tenant.id, id: consented.id, reason: "test", at: now, ledger: entry(.patRevoked, "revoke")))
    #expect(try await !store.revokeGrant(tenantID: tenant.id, id: consented.id, reason: "test", at: now, ledger: entry(.patRevoked, "revoke again")))
    #expect(try await store.ledgerEntries(tenantID: tenant.id, matching: LedgerFilter(grantID: consented.id), limit: 10).map(\.event) == ["grant.revoked"])

    // An app approved, blocked (its grants ended in the same transaction, the entry told how many) and deleted.
    let blocked = client(tenant)
    try await store.saveClient(blocked)
    let blockedGrants = [grant(tenant, holder: user.id, client: blocked), grant(tenant, holder: "usr_other", client: blocked)]
    for given in blockedGrants { try await store.saveGrant(given) }
    await #expect(throws: (any Error).self) { try await store.approveClient(tenantID: tenant.id, id: blocked.id, ledger: unstorable) }
    #expect(try await store.client(tenantID: tenant.id, id: blocked.id)?.approval.state == .pending)
    #expect(try await store.approveClient(tenantID: tenant.id, id: blocked.id, ledger: entry(.clientApproved, "approve")))
    await #expect(throws: (any Error).self) {
        try await store.blockClient(tenantID: tenant.id, id: blocked.id, reason: "test", at: now) { _ in unstorable }
    }
    #expect(try await store.client(tenantID: tenant.id, id: blocked.id)?.approval.state == .approved)
    #expect(try await store.activeGrants(tenantID: tenant.id, userID: nil).filter { $0.clientID == blocked.id }.count == 2, "no grant ended")
    let ended = try await store.blockClient(tenantID: tenant.id, id: blocked.id, reason: "test", at: now) { entry(.clientBlocked, "block \($0)") }
    #expect(ended == 2)
    #expect(try await store.client(tenantID: tenant.id, id: blocked.id)?.approval.state == .blocked)
    #expect(try await store.activeGrants(tenantID: tenant.id, userID: nil).allSatisfy { $0.clientID != blocked.id })
    #expect(try await store.revocationEvents(tenantID: tenant.id, after: 0, limit: 10).map(\.subject).suffix(2).sorted() == blockedGrants.map(\.id).sorted())
    await #expect(throws: (any Error).self) { try await store.deleteClient(tenantID: tenant.id, id: blocked.id, ledger: unstorable) }
    #expect(try await store.client(tenantID: tenant.id, id: blocked.id) != nil)
    #expect(try await store.deleteClient(tenantID: tenant.id, id: blocked.id, ledger: entry(.clientDeleted, "delete")))
    #expect(try await !store.deleteClient(tenantID: tenant.id, id: blocked.id, ledger: entry(.clientDeleted, "delete again")))

    // A personal access token made and regenerated.
    let patClient = client(tenant, id: AuthPolicy.PersonalAccessTokens.clientID)
    try await store.saveClient(patClient)
    func token(_ grant: Grant) -> PersonalAccessTokenRecord {
        PersonalAccessTokenRecord(
            tenantID: tenant.id, id: "pat_" + RandomIdentifier.make(), grantID: grant.id, userID: user.id, tokenHash: "hash-" + RandomIdentifier.make(),
            label: "script", scopes: grant.scopes, companyID: nil, createdAt: now, expiresAt: now.addingTimeInterval(86_400))
    }
    let firstGrant = grant(tenant, holder: user.id, client: patClient)
    let first = token(firstGrant)
    await #expect(throws: (any Error).self) { try await store.insertPersonalAccessToken(first, grant: firstGrant, ledger: unstorable) }
    #expect(try await store.personalAccessToken(tenantID: tenant.id, id: first.id) == nil)
    #expect(try await store.grant(tenantID: tenant.id, id: firstGrant.id) == nil)
    try await store.insertPersonalAccessToken(first, grant: firstGrant, ledger: entry(.patCreated, "pat"))
    let nextGrant = grant(tenant, holder: user.id, client: patClient)
    let next = token(nextGrant)
    await #expect(throws: (any Error).self) {
        try await store.replacePersonalAccessToken(first, with: next, grant: nextGrant, at: now, ledger: unstorable)
    }
    #expect(try await store.personalAccessToken(tenantID: tenant.id, id: first.id) == first, "the old token still works")
    #expect(try await store.replacePersonalAccessToken(first, with: next, grant: nextGrant, at: now, ledger: entry(.patRegenerated, "regenerate")))

    // A service account made, its secret rotated, revoked.
    let accountClient = client(tenant, id: "svc_" + RandomIdentifier.make())
    let accountGrant = grant(tenant, holder: accountClient.id, client: accountClient)
    let account = ServiceAccount(
        tenantID: tenant.id, id: accountClient.id, grantID: accountGrant.id, name: "Export", scopes: accountGrant.scopes, companyID: nil,
        createdBy: user.id, createdAt: now)
    await #expect(throws: (any Error).self) {
        try await store.insertServiceAccount(account, client: accountClient, grant: accountGrant, ledger: unstorable)
    }
    #expect(try await store.serviceAccount(tenantID: tenant.id, id: account.id) == nil)
    #expect(try await store.client(tenantID: tenant.id, id: accountClient.id) == nil)
    try await store.insertServiceAccount(account, client: accountClient, grant: accountGrant, ledger: entry(.serviceAccountCreated, "account"))
    await #expect(throws: (any Error).self) {
        try await store.replaceServiceAccountCredentials(tenantID: tenant.id, id: account.id, secretHashes: ["new"], at: now, ledger: unstorable)
    }
    #expect(try await store.client(tenantID: tenant.id, id: account.id)?.secretHashes == [])
    #expect(
        try await store.replaceServiceAccountCredentials(
            tenantID: tenant.id, id: account.id, secretHashes: ["new"], at: now, ledger: entry(.serviceAccountSecretRotated, "rotate")))
    await #expect(throws: (any Error).self) {
        try await store.revokeServiceAccount(tenantID: tenant.id, id: account.id, reason: "test", at: now, ledger: unstorable)
    }
    #expect(try await store.serviceAccount(tenantID: tenant.id, id: account.id)?.isActive == true)
    #expect(try await store.revokeServiceAccount(tenantID: tenant.id, id: account.id, reason: "test", at: now, ledger: entry(.serviceAccountRevoked, "end")))
    #expect(try await !store.revokeServiceAccount(tenantID: tenant.id, id: account.id, reason: "test", at: now, ledger: entry(.serviceAccountRevoked, "end again")))

    // An administrator's decisions about people and the tenant's settings.
    let added = User(
        tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: "added@example.com", passwordHash: "not-a-hash", role: .technician,
        companyID: nil, createdAt: now)
    await #expect(throws: (any Error).self) { try await store.insertUser(added, ledger: unstorable) }
    #expect(try await store.user(tenantID: tenant.id, id: added.id) == nil)
    try await store.insertUser(added, ledger: entry(.personAdded, "add"))
    await #expect(throws: (any Error).self) {
        try await store.setUserRole(tenantID: tenant.id, userID: added.id, role: .admin, companyID: nil, at: now, ledger: unstorable)
    }
    #expect(try await store.user(tenantID: tenant.id, id: added.id)?.role == .technician)
    #expect(try await store.setUserRole(tenantID: tenant.id, userID: added.id, role: .admin, companyID: nil, at: now, ledger: entry(.personRoleChanged, "role")) == 0)
    #expect(try await store.setUserRole(tenantID: tenant.id, userID: "usr_nobody", role: .admin, companyID: nil, at: now, ledger: entry(.personRoleChanged, "nobody")) == nil)
    await #expect(throws: (any Error).self) {
        try await store.setUserMayConnect(tenantID: tenant.id, userID: added.id, mayConnect: false, ledger: unstorable)
    }
    #expect(try await store.user(tenantID: tenant.id, id: added.id)?.mayConnect == nil)
    #expect(try await store.setUserMayConnect(tenantID: tenant.id, userID: added.id, mayConnect: false, ledger: entry(.personMayConnectChanged, "connect")))
    #expect(try await !store.setUserMayConnect(tenantID: tenant.id, userID: "usr_nobody", mayConnect: false, ledger: entry(.personMayConnectChanged, "nobody")))
    await #expect(throws: (any Error).self) { try await store.setUserDisabled(tenantID: tenant.id, userID: added.id, at: now, ledger: unstorable) }
    #expect(try await store.user(tenantID: tenant.id, id: added.id)?.disabledAt == nil)
    #expect(try await store.setUserDisabled(tenantID: tenant.id, userID: added.id, at: now, ledger: entry(.personDisabled, "disable")))
    #expect(try await !store.setUserDisabled(tenantID: tenant.id, userID: added.id, at: now, ledger: entry(.personDisabled, "disable again")))
    #expect(try await store.setUserDisabled(tenantID: tenant.id, userID: added.id, at: nil, ledger: entry(.personEnabled, "enable")))
    let closed = TenantGovernance(tenantID: tenant.id, companyUsersMayConnect: false, appPolicy: .closed)
    await #expect(throws: (any Error).self) { try await store.saveTenantGovernance(closed, ledger: unstorable) }
    #expect(try await store.tenantGovernance(tenantID: tenant.id) == TenantGovernance(tenantID: tenant.id))
    try await store.saveTenantGovernance(closed, ledger: entry(.tenantSettingsChanged, "settings"))

    #expect(
        try await recorded() == [
            "consent", "revoke", "approve", "block 2", "delete", "pat", "regenerate", "account", "rotate", "end", "add", "role", "connect", "disable",
            "enable", "settings",
        ])
}
