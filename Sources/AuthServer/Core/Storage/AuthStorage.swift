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
}

public typealias AuthStorage = TenantStore & SigningKeyStore & UserStore

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
