import Foundation
import Shared

/// What the auth-server stores, as protocols, so the embedded SQLite store and the PostgreSQL store
/// that follows pass one shared test suite. Every record carries its tenant.
public protocol TenantStore: Sendable {
    func allTenants() async throws -> [Tenant]
    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    func saveTenant(_ tenant: Tenant) async throws
    /// Disables the tenant at `at`, or enables it when `at` is nil; false when there is no such tenant or it
    /// already was in that state.
    func setTenantDisabled(tenantID: String, at: Date?) async throws -> Bool
}

public protocol SigningKeyStore: Sendable {
    func signingKeys(tenantID: String) async throws -> [StoredSigningKey]
    func insertSigningKey(_ key: StoredSigningKey) async throws
    /// Inserts `key` and marks every other active key of its tenant retired at `retiringOthersAt`, published until
    /// `publishUntil`, with the rotation's ledger entry, in one transaction.
    func rotateSigningKeys(to key: StoredSigningKey, retiringOthersAt: Date, publishUntil: Date, ledger: LedgerEntry) async throws
}

public protocol UserStore: Sendable {
    /// Throws `AuthStorageError.duplicateEmail` when the tenant already has the email. `ledger`, an administrator's
    /// `person.added`, commits with the person.
    func insertUser(_ user: User, ledger: LedgerEntry?) async throws
    func user(tenantID: String, email: String) async throws -> User?
    func user(tenantID: String, id: String) async throws -> User?
    /// Replaces the person's password hash; false when there is no such person.
    func updatePasswordHash(tenantID: String, userID: String, passwordHash: String) async throws -> Bool
    /// Disables the person at `at`, or enables them when `at` is nil. Disabling ends their sessions and every grant
    /// they gave (personal access tokens included) and records a `user` event in the revocation log, all at once.
    /// `ledger` commits with it. False, with nothing recorded, when there is no such person or they already were in
    /// that state.
    func setUserDisabled(tenantID: String, userID: String, at: Date?, ledger: LedgerEntry?) async throws -> Bool
    /// The tenant's people, by email.
    func users(tenantID: String) async throws -> [User]
    /// Gives the person another role (and company, which only company users have), ending every grant they gave
    /// (personal access tokens included) at once: a grant carries the scopes and company of the role it was given
    /// under, and must not outlive a demotion. `ledger` commits with it. Nil, with nothing recorded, when there is no
    /// such person, else the number of grants ended.
    func setUserRole(tenantID: String, userID: String, role: Role, companyID: String?, at: Date, ledger: LedgerEntry) async throws -> Int?
}

/// Personal access tokens (docs/tokens.md § Personal access tokens): each one a grant of the built-in
/// `AuthPolicy.PersonalAccessTokens.clientID`, found by the SHA-256 of its value.
public protocol PersonalAccessTokenStore: Sendable {
    /// Inserts the token with the grant it belongs to and its ledger entry, at once.
    func insertPersonalAccessToken(_ token: PersonalAccessTokenRecord, grant: Grant, ledger: LedgerEntry) async throws
    /// Ends `old`'s grant and inserts `new` with its own and the ledger entry, at once; false, with nothing recorded,
    /// when `old` was no longer active.
    func replacePersonalAccessToken(
        _ old: PersonalAccessTokenRecord, with new: PersonalAccessTokenRecord, grant: Grant, at: Date, ledger: LedgerEntry
    ) async throws -> Bool
    func personalAccessToken(tenantID: String, tokenHash: String) async throws -> PersonalAccessTokenRecord?
    func personalAccessToken(tenantID: String, id: String) async throws -> PersonalAccessTokenRecord?
    /// Tokens whose grant is active (expired ones included, so they can be regenerated), newest first: one
    /// person's, or the whole tenant's when `userID` is nil.
    func personalAccessTokens(tenantID: String, userID: String?) async throws -> [PersonalAccessTokenRecord]
    /// Records a use unless one was recorded less than `AuthPolicy.PersonalAccessTokens.lastUsedGranularity` before
    /// (`PersonalAccessTokenRecord.isUseDue`, which callers ask first of the row they hold).
    func recordPersonalAccessTokenUse(tenantID: String, id: String, at: Date, address: String?) async throws
    /// Elevates the active token from `at` until `until`, and records a `changed` event for its grant in the
    /// revocation log so resource-servers drop what they cached about it; false when the token is not active.
    func elevatePersonalAccessToken(tenantID: String, id: String, at: Date, until: Date) async throws -> Bool
}

/// A personal access token as stored: its SHA-256, never its value.
public struct PersonalAccessTokenRecord: Sendable, Equatable {
    public var tenantID: String
    /// Public and stable for the token's life: names its row on the page and in `admin pat revoke`.
    public var id: String
    public var grantID: String
    public var userID: String
    public var tokenHash: String
    public var label: String
    /// The grant's scopes.
    public var scopes: [String]
    /// A staff member's token restricted to one company acts as that company's users would.
    public var companyID: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var lastUsedAt: Date?
    public var lastUsedAddress: String?
    /// When a second factor was last entered for the token, and until when that counts.
    public var elevatedAt: Date?
    public var elevatedUntil: Date?

    public init(
        tenantID: String, id: String, grantID: String, userID: String, tokenHash: String, label: String, scopes: [String], companyID: String?,
        createdAt: Date, expiresAt: Date, lastUsedAt: Date? = nil, lastUsedAddress: String? = nil, elevatedAt: Date? = nil, elevatedUntil: Date? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.grantID = grantID
        self.userID = userID
        self.tokenHash = tokenHash
        self.label = label
        self.scopes = scopes
        self.companyID = companyID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedAddress = lastUsedAddress
        self.elevatedAt = elevatedAt
        self.elevatedUntil = elevatedUntil
    }

    public func isExpired(at now: Date) -> Bool { expiresAt <= now }

    public func isElevated(at now: Date) -> Bool { elevatedUntil.map { $0 > now } ?? false }

    /// Whether a use at `now` is worth recording: none is, or the last was `lastUsedGranularity` ago or more.
    /// Asked of the row a request has just read, so the common case (a use recorded moments ago) costs no
    /// further read; the store's write asks the same of the stored row (`lastUseRecordedBy`).
    public func isUseDue(at now: Date) -> Bool { lastUsedAt.map { $0 <= Self.lastUseRecordedBy(now) } ?? true }

    /// The latest last-use time at which a use at `now` is recorded again.
    public static func lastUseRecordedBy(_ now: Date) -> Date { now.addingTimeInterval(-AuthPolicy.PersonalAccessTokens.lastUsedGranularity) }
}

/// Browser sessions and half-done sign-ins, both found by the SHA-256 of the secret their cookie carries.
public protocol BrowserSessionStore: Sendable {
    func insertSession(_ session: BrowserSession) async throws
    func session(tenantID: String, idHash: String) async throws -> BrowserSession?
    func touchSession(tenantID: String, idHash: String, lastSeenAt: Date) async throws
    /// Records that the person proved who they are again in this session (a second factor entered on an admin
    /// page): `authTime` becomes `at` and the methods those used.
    func reauthenticateSession(tenantID: String, idHash: String, at: Date, authenticationMethods: [String]) async throws
    func deleteSession(tenantID: String, idHash: String) async throws
    /// Ends every session of the person except `keptIDHash` (after a change of password).
    func deleteSessions(tenantID: String, userID: String, except keptIDHash: String?) async throws
    /// Forgets the tenant's sessions last seen before `idleBefore` or created before `createdBefore`, and
    /// half-done sign-ins created before `pendingBefore`.
    func deleteExpiredSessions(tenantID: String, idleBefore: Date, createdBefore: Date, pendingBefore: Date) async throws

    func insertPendingSignIn(_ pending: PendingSignIn) async throws
    func pendingSignIn(tenantID: String, idHash: String) async throws -> PendingSignIn?
    func deletePendingSignIn(tenantID: String, idHash: String) async throws
}

/// A person's second factor: their TOTP secret (sealed), whether it is on, the last time step a code was
/// accepted for, and their single-use recovery codes (SHA-256 only).
public protocol SecondFactorStore: Sendable {
    func secondFactor(tenantID: String, userID: String) async throws -> StoredSecondFactor?
    /// Starts an enrolment, replacing one not yet confirmed; a factor already on is left alone (false).
    func beginSecondFactor(_ factor: StoredSecondFactor) async throws -> Bool
    /// Turns the pending factor on with `step` as its last accepted step, and stores the recovery codes;
    /// false when nothing was pending.
    func enableSecondFactor(tenantID: String, userID: String, at: Date, step: Int64, recoveryCodeHashes: [String]) async throws -> Bool
    /// Records `step` as the last accepted if it is later than the last one, atomically; false when a code of
    /// that step or a later one was already accepted: a replay.
    func acceptSecondFactorStep(tenantID: String, userID: String, step: Int64) async throws -> Bool
    /// Spends an unused recovery code; false when there is no such unused code.
    func spendRecoveryCode(tenantID: String, userID: String, codeHash: String, at: Date) async throws -> Bool
    func unusedRecoveryCodes(tenantID: String, userID: String) async throws -> Int
    func replaceRecoveryCodes(tenantID: String, userID: String, hashes: [String]) async throws
    /// Turns the factor off and forgets its secret and recovery codes, and ends every elevation in force: the
    /// person's refresh tokens forget theirs, and the revocation log records it for the resource-servers.
    /// `byAdministrator` leaves a notice for the person's next sign-in. False when there was none.
    func removeSecondFactor(tenantID: String, userID: String, at: Date, byAdministrator: Bool) async throws -> Bool
    /// When an administrator turned the person's second factor off, once: the notice is cleared as it is read.
    func takeSecondFactorResetNotice(tenantID: String, userID: String) async throws -> Date?
}

public struct StoredSecondFactor: Sendable, Equatable {
    public var tenantID: String
    public var userID: String
    /// The TOTP secret, sealed with the key-encryption key.
    public var sealedSecret: Data
    public var createdAt: Date
    /// nil while the enrolment waits for its first right code.
    public var enabledAt: Date?
    /// The time step of the last code accepted: no code of it or an earlier step is accepted again.
    public var lastStep: Int64?

    public init(tenantID: String, userID: String, sealedSecret: Data, createdAt: Date, enabledAt: Date? = nil, lastStep: Int64? = nil) {
        self.tenantID = tenantID
        self.userID = userID
        self.sealedSecret = sealedSecret
        self.createdAt = createdAt
        self.enabledAt = enabledAt
        self.lastStep = lastStep
    }
}

/// Who may connect which apps: a tenant's settings, a person's permission, a client's approval.
public protocol GovernanceStore: Sendable {
    /// The tenant's settings, or the defaults when none were ever set.
    func tenantGovernance(tenantID: String) async throws -> TenantGovernance
    /// `ledger`, the change's `tenant.settings_changed`, commits with it.
    func saveTenantGovernance(_ governance: TenantGovernance, ledger: LedgerEntry?) async throws
    /// nil gives the decision back to the role and the tenant. false when there is no such person.
    /// The enabled admins' emails: whom a person without "may connect apps" is told to ask.
    func administratorEmails(tenantID: String) async throws -> [String]
    func setUserMayConnect(tenantID: String, userID: String, mayConnect: Bool?, ledger: LedgerEntry?) async throws -> Bool
    /// Every client but resource-servers, newest first.
    func clients(tenantID: String) async throws -> [Client]
    /// Approves the client (a blocked one may then ask again) with the decision's ledger entry; false, with nothing
    /// recorded, when there is no such client.
    func approveClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool
    /// Blocks the client and ends each of its active grants as `revokeGrant` does, with the block's ledger entry
    /// (`ledger`, given how many grants ended), all in one transaction: a blocked client never keeps a grant. nil,
    /// with nothing changed, when there is no such client; else how many grants ended.
    func blockClient(
        tenantID: String, id: String, reason: String, at: Date, ledger: @escaping @Sendable (_ grantsEnded: Int) -> LedgerEntry
    ) async throws -> Int?
    /// Records the first person who asked for a pending client; later requests keep the first.
    func recordClientApprovalRequest(tenantID: String, id: String, userID: String, at: Date) async throws
}

public typealias AuthStorage = TenantStore & SigningKeyStore & UserStore & BrowserSessionStore & ClientStore & GrantStore & SecondFactorStore
    & DeviceAuthorizationStore & PersonalAccessTokenStore & GovernanceStore & ServiceAccountStore & LedgerStore

public enum AuthStorageError: Error, Equatable {
    case duplicateEmail
    case corruptRow(String)
}

/// A signing key as stored: the public half in clear (it is published anyway), the private half sealed
/// with AES-GCM under the key-encryption key.
public struct StoredSigningKey: Sendable, Equatable {
    public var tenantID: String
    public var keyID: String
    public var publicKey: JSONWebKey
    public var sealedPrivateKey: Data
    public var createdAt: Date
    public var retiredAt: Date?
    public var publishUntil: Date?

    /// Retirement may lie ahead: a rotation retires the old key only once the new one may sign.
    public func isActive(at now: Date) -> Bool { retiredAt.map { $0 > now } ?? true }

    public func isPublished(at now: Date) -> Bool { publishUntil.map { $0 > now } ?? true }
}

/// Clients: dynamically registered, metadata-document and first-party.
public protocol ClientStore: Sendable {
    /// Inserts the client, or updates the row with the same id in place, keeping its grants.
    func saveClient(_ client: Client) async throws
    /// Saves a newly registered client and its ledger entry in one transaction: an acknowledged registration always
    /// has its entry, even when the process dies right after the commit.
    func registerClient(_ client: Client, ledger: LedgerEntry) async throws
    func client(tenantID: String, id: String) async throws -> Client?
    /// The dynamically registered client with this registration fingerprint, if any.
    func client(tenantID: String, fingerprint: String) async throws -> Client?
    /// Deletes the client with its grants, codes, refresh tokens and consents, and appends `ledger` in the same
    /// transaction; false, with nothing recorded, when there was no such client.
    func deleteClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool
    func markClientUsed(tenantID: String, id: String, at: Date) async throws
    /// Deletes dynamically registered clients created and last used before `date`; returns how many.
    func reapDynamicClients(unusedSince date: Date) async throws -> Int
}

/// Grants and what hangs from them: codes, refresh tokens, remembered consent, pending requests.
public protocol GrantStore: Sendable {
    /// The person's active grant for this client and resource, if one exists.
    func activeGrant(tenantID: String, userID: String, clientID: String, resource: String) async throws -> Grant?
    /// Inserts the grant, or updates its scopes and last-authorised time when the id exists; `ledger`, the consent's
    /// entry, commits with it.
    func saveGrant(_ grant: Grant, ledger: LedgerEntry?) async throws
    func grant(tenantID: String, id: String) async throws -> Grant?
    /// Active grants, newest first: one person's, or the whole tenant's when `userID` is nil.
    func activeGrants(tenantID: String, userID: String?) async throws -> [Grant]
    /// Marks the grant revoked, deletes its refresh tokens, codes and the consent it rested on, and
    /// appends it to the revocation log and its `grant.revoked` entry to the ledger, all at once, with `ledger` when
    /// the ending has an entry of its own (a personal access token's). Returns false, with nothing recorded, when it
    /// was not active.
    func revokeGrant(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry?) async throws -> Bool
    /// Revokes every active grant of the person as `revokeGrant` does, at once; returns how many ended.
    func revokeGrants(tenantID: String, userID: String, reason: String, at: Date) async throws -> Int

    func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws
    func authorizationCode(tenantID: String, codeHash: String) async throws -> AuthorizationCodeRecord?
    /// Marks the code used if it was not, atomically; false when it already was.
    func spendAuthorizationCode(tenantID: String, codeHash: String, at: Date) async throws -> Bool

    func insertRefreshToken(_ token: RefreshTokenRecord) async throws
    func refreshToken(tenantID: String, tokenHash: String) async throws -> RefreshTokenRecord?
    /// Rotates a refresh token in one transaction: records the rotation with its sealed successor if the token was
    /// not rotated yet, stores `replacement`, and marks the client used (at most hourly, for reaping). False, with
    /// nothing changed, when another request rotated it first.
    /// `ledger`, the refresh's entry, commits with the rotation: recording each refresh costs no disk sync of its own.
    func rotateRefreshToken(
        tenantID: String, tokenHash: String, at: Date, successor: Data, replacement: RefreshTokenRecord, ledger: LedgerEntry
    ) async throws -> Bool
    /// How many unexpired refresh tokens of the grant are live (not rotated away).
    func liveRefreshTokenCount(tenantID: String, grantID: String, at: Date) async throws -> Int

    /// Scopes the person has consented to for this client; nil when they never approved it (or the grant it
    /// rested on was revoked). An approval of no scopes is an empty set, not nil.
    func consentedScopes(tenantID: String, userID: String, clientID: String) async throws -> Set<String>?
    func saveConsent(tenantID: String, userID: String, clientID: String, scopes: Set<String>, at: Date) async throws

    /// The tenant's revocation log after `seq`, oldest first, at most `limit` events. Revoking grants, deleting or
    /// reaping a client and resetting a second factor append to it themselves.
    func revocationEvents(tenantID: String, after seq: Int64, limit: Int) async throws -> [RevocationEvent]
    /// Appends one event numbered on from the tenant's last, for what has no write of its own here (a person
    /// disabled: kind `user`, subject their id).
    func appendRevocationEvent(tenantID: String, kind: RevocationEvent.Kind, subject: String) async throws
    /// The number of the tenant's newest revocation event; 0 when it has none.
    func latestRevocationSeq(tenantID: String) async throws -> Int64
    /// Calls `action` after each commit that appended to a revocation log, until the answer is cancelled or
    /// released: only this process's commits when `reportsEveryProcessesAppends` is false (`RevocationLogWatch`
    /// checks for the others'), every process's when it is true.
    func observeRevocationAppends(_ action: @escaping @Sendable () -> Void) -> StoreObservation
    /// Whether `observeRevocationAppends` reports the appends of every process sharing the database.
    var reportsEveryProcessesAppends: Bool { get }

    func insertPendingAuthorization(_ pending: PendingAuthorization) async throws
    /// Removes and returns the pending request, only for the person it was made for and only if unexpired.
    func takePendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization?
    func pendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization?
}

extension GrantStore {
    func saveGrant(_ grant: Grant) async throws { try await saveGrant(grant, ledger: nil) }

    func revokeGrant(tenantID: String, id: String, reason: String, at: Date) async throws -> Bool {
        try await revokeGrant(tenantID: tenantID, id: id, reason: reason, at: at, ledger: nil)
    }
}

/// Device authorizations (RFC 8628), found by the SHA-256 of the device code or of the user code.
public protocol DeviceAuthorizationStore: Sendable {
    /// Inserts the request after forgetting expired ones; false when a live request already has its user code
    /// (the caller draws another).
    func insertDeviceAuthorization(_ authorization: DeviceAuthorization) async throws -> Bool
    /// The unexpired request with this user code, answered or not.
    func deviceAuthorization(tenantID: String, userCodeHash: String, at: Date) async throws -> DeviceAuthorization?
    func deviceAuthorization(tenantID: String, deviceCodeHash: String) async throws -> DeviceAuthorization?
    /// Records a poll by `clientID` at `at`, atomically: a poll sooner than the interval after the last one (less
    /// `AuthPolicy.DeviceFlow.pollingTolerance`) adds `slowDownIncrement` seconds to the interval (RFC 8628 §3.5). Returns the request as it stands after the poll
    /// and whether this poll came too soon; nil when no request of that client has the code.
    func recordDevicePoll(
        tenantID: String, deviceCodeHash: String, clientID: String, at: Date, slowDownIncrement: Int
    ) async throws -> (authorization: DeviceAuthorization, tooSoon: Bool)?
    /// The person's answer: approved with `approval`, or denied when it is nil. Only a pending, unexpired request
    /// takes an answer; false otherwise.
    func answerDeviceAuthorization(tenantID: String, deviceCodeHash: String, approval: DeviceAuthorization.Approval?, at: Date) async throws -> Bool
    /// Marks an approved request's tokens issued if they were not, atomically; false when they already were.
    func spendDeviceAuthorization(tenantID: String, deviceCodeHash: String, at: Date) async throws -> Bool
}
