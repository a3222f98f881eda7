import Foundation
import Shared

/// What the auth-server stores, as protocols, so the embedded SQLite store and the PostgreSQL store
/// that follows pass one shared test suite. Every record carries its tenant.
public protocol TenantStore: Sendable {
    func allTenants() async throws -> [Tenant]
    /// Inserts the tenant, or updates its issuer and resource when the id exists.
    func saveTenant(_ tenant: Tenant) async throws
}

public protocol SigningKeyStore: Sendable {
    func signingKeys(tenantID: String) async throws -> [StoredSigningKey]
    func insertSigningKey(_ key: StoredSigningKey) async throws
    /// Marks every active key of the tenant but `keptKeyID` retired, published until `publishUntil`.
    func retireSigningKeys(tenantID: String, except keptKeyID: String, at: Date, publishUntil: Date) async throws
}

public protocol UserStore: Sendable {
    /// Throws `AuthStorageError.duplicateEmail` when the tenant already has the email.
    func insertUser(_ user: User) async throws
    func user(tenantID: String, email: String) async throws -> User?
    func user(tenantID: String, id: String) async throws -> User?
    /// Replaces the person's password hash; false when there is no such person.
    func updatePasswordHash(tenantID: String, userID: String, passwordHash: String) async throws -> Bool
}

/// Browser sessions and half-done sign-ins, both found by the SHA-256 of the secret their cookie carries.
public protocol BrowserSessionStore: Sendable {
    func insertSession(_ session: BrowserSession) async throws
    func session(tenantID: String, idHash: String) async throws -> BrowserSession?
    func touchSession(tenantID: String, idHash: String, lastSeenAt: Date) async throws
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

public typealias AuthStorage = TenantStore & SigningKeyStore & UserStore & BrowserSessionStore

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

    public var isActive: Bool { retiredAt == nil }

    public func isPublished(at now: Date) -> Bool { publishUntil.map { $0 > now } ?? true }
}
