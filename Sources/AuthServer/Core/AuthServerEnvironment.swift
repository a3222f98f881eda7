import Foundation
import Shared

/// Everything the auth-server needs at run time, opened once from the settings. First start creates the
/// data folder, the key file, the database, the default tenant and its first signing key. Only the
/// server (`reconcile: true`) brings a stored tenant's issuer and resource in line with the configuration;
/// admin commands use the tenant as stored, so one run with other settings cannot rewrite it.
public struct AuthServerEnvironment: Sendable {
    public let settings: AuthServerSettings
    public let storage: any AuthStorage
    public let keyRing: SigningKeyRing
    /// Seals what must not be kept in clear: signing keys, TOTP secrets.
    public var keyEncryptionKey: KeyEncryptionKey { keyRing.keyEncryptionKey }

    public static let databaseFileName = "auth.sqlite"

    /// `serving`: for the server itself, whose PostgreSQL pool keeps its connections open (`PostgresSchemaPool.open`).
    public static func open(_ settings: AuthServerSettings, reconcile: Bool, serving: Bool = false) async throws -> Self {
        try SQLiteDatabase.prepareDataDirectory(settings.dataDirectory)
        let kek = try KeyEncryptionKey.load(settings.keyEncryptionKey, dataDirectory: settings.dataDirectory, issuer: settings.issuer)
        let storage = try await openStorage(settings, serving: serving)
        let environment = Self(settings: settings, storage: storage, keyRing: SigningKeyRing(store: storage, keyEncryptionKey: kek))
        let stored = try await storage.allTenants().contains { $0.id == Tenant.defaultID }
        if reconcile || !stored {
            try await storage.saveTenant(Tenant(id: Tenant.defaultID, issuer: settings.issuer, resource: settings.resource))
        }
        let tenants = try await storage.allTenants()
        for tenant in tenants {
            try await environment.keyRing.ensureActiveKey(tenantID: tenant.id)
            // A key-encryption key that does not open the stored keys (a restore with another one) stops the start
            // here, rather than at the first token request.
            do {
                _ = try await environment.keyRing.activeSigner(tenantID: tenant.id)
            } catch {
                throw ConfigurationError(
                    setting: settings.keyEncryptionKey.setting,
                    problem: "the key-encryption key does not open tenant \(tenant.id)'s signing keys; give the key that sealed them (README § Backups and restore)")
            }
        }
        try await BuiltInClients.ensure(in: tenants, storage: storage, dataDirectory: settings.dataDirectory, now: Date())
        return environment
    }

    /// SQLite in the data folder, or the PostgreSQL server `GATEHOUSE_DATABASE_URL` names (the data folder then
    /// still holds the key file). A server that cannot be reached is named without its password.
    private static func openStorage(_ settings: AuthServerSettings, serving: Bool) async throws -> any AuthStorage {
        guard let location = settings.database else {
            return try SQLiteAuthStorage(path: (settings.dataDirectory as NSString).appendingPathComponent(databaseFileName))
        }
        do {
            return try await PostgresAuthStorage.open(location: location, keepsConnectionsOpen: serving)
        } catch {
            throw ConfigurationError(
                setting: PostgresLocation.urlSetting.environmentName, problem: "cannot open \(location.redacted): \(String(reflecting: error))")
        }
    }

    /// Where the token, introspection, revocation, device and registration endpoints and the sign-in throttle count:
    /// in the database every auth-server on it shares (PostgreSQL), else in this process.
    var requestLimiters: RequestLimiters {
        if let postgres = storage as? PostgresAuthStorage { return .shared(postgres.database) }
        return .inMemory
    }

    /// Where accepted client assertions are remembered: in the database when auth-servers may share it (PostgreSQL),
    /// so a replay to another one is refused too; else in this process, the only one on its SQLite file.
    func clientAssertionReplayStore() -> any ClientAssertionReplayStore {
        if let postgres = storage as? PostgresAuthStorage { return PostgresClientAssertionReplayStore(database: postgres.database) }
        return InMemoryClientAssertionReplayStore(
            perClientCapacity: ClientAuthenticationPolicy.replayEntriesPerClient(tokenRequestsPerMinute: settings.tokenRequestsPerMinute))
    }

    /// Where security events are recorded (docs/security.md § The audit ledger).
    public var ledger: Ledger { Ledger(store: storage) }

    public var serviceAccounts: ServiceAccounts { ServiceAccounts(storage: storage) }

    public func tenant(id: String = Tenant.defaultID) async throws -> Tenant {
        guard let tenant = try await storage.allTenants().first(where: { $0.id == id }) else {
            throw ConfigurationError(setting: "--tenant", problem: "no tenant '\(id)'")
        }
        return tenant
    }
}
