import Foundation
import GRDB
import Shared

/// SQLite implementation of `ClientStore`.
extension SQLiteAuthStorage {
    public func saveClient(_ client: Client) async throws {
        try await database.write { db in try Self.saveClient(db, client) }
    }

    public func registerClient(_ client: Client, ledger: LedgerEntry) async throws {
        try await database.write { db in
            try Self.saveClient(db, client)
            try Self.appendLedger(db, [ledger])
        }
    }

    static func saveClient(_ db: Database, _ client: Client) throws {
        try db.execute(
            cached: """
                INSERT INTO client (tenant_id, id, kind, name, redirect_uris, auth_method, secret_hashes,
                    registration_token_hash, grant_types, scope, jwks_uri, jwks, registration_fingerprint, metadata_json,
                    pinned, created_at, last_used_at, approval)
                VALUES (:tenant_id, :id, :kind, :name, :redirect_uris, :auth_method, :secret_hashes, :registration_token_hash, :grant_types,
                    :scope, :jwks_uri, :jwks, :registration_fingerprint, :metadata_json, :pinned, :created_at, :last_used_at, :approval)
                ON CONFLICT(tenant_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    redirect_uris = excluded.redirect_uris, auth_method = excluded.auth_method, secret_hashes = excluded.secret_hashes,
                    registration_token_hash = excluded.registration_token_hash, grant_types = excluded.grant_types,
                    scope = excluded.scope, jwks_uri = excluded.jwks_uri, jwks = excluded.jwks,
                    registration_fingerprint = excluded.registration_fingerprint, metadata_json = excluded.metadata_json,
                    pinned = excluded.pinned, last_used_at = excluded.last_used_at
                """,
            arguments: StatementArguments(try ClientRow(client).databaseDictionary)
        )
    }

    public func client(tenantID: String, id: String) async throws -> Client? {
        try await database.read { db in
            try ClientRow.fetchOne(db, cached: "SELECT * FROM client WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])?.model()
        }
    }

    public func client(tenantID: String, fingerprint: String) async throws -> Client? {
        try await database.read { db in
            try ClientRow.fetchOne(
                db, cached: "SELECT * FROM client WHERE tenant_id = ? AND registration_fingerprint = ? AND kind = ?",
                arguments: [tenantID, fingerprint, Client.Kind.dynamic.rawValue]
            )?.model()
        }
    }

    public func deleteClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM pending_authorization WHERE tenant_id = ? AND client_id = ?", arguments: [tenantID, id])
            try Self.appendRevocationEvents(
                db, kind: .client, selecting: "SELECT tenant_id, id FROM client c WHERE tenant_id = ? AND id = ? AND \(Self.hasLiveGrant)",
                arguments: [tenantID, id])
            try db.execute(cached: "DELETE FROM client WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            guard db.changesCount == 1 else { return false }
            try Self.appendLedger(db, [ledger])
            return true
        }
    }

    /// A deleted client needs a `client` event only when it has a grant that still issues tokens.
    private static let hasLiveGrant = "EXISTS (SELECT 1 FROM oauth_grant g WHERE g.tenant_id = c.tenant_id AND g.client_id = c.id AND g.revoked_at IS NULL)"

    public func markClientUsed(tenantID: String, id: String, at: Date) async throws {
        try await database.write { db in
            try db.execute(cached: "UPDATE client SET last_used_at = ? WHERE tenant_id = ? AND id = ?", arguments: [at, tenantID, id])
        }
    }

    public func reapDynamicClients(unusedSince date: Date) async throws -> Int {
        let unused = "kind = ? AND created_at < ? AND (last_used_at IS NULL OR last_used_at < ?)"
        let arguments: StatementArguments = [Client.Kind.dynamic.rawValue, date, date]
        return try await database.write { db in
            try Self.appendRevocationEvents(
                db, kind: .client, selecting: "SELECT tenant_id, id FROM client c WHERE \(unused) AND \(Self.hasLiveGrant)", arguments: arguments)
            try db.execute(sql: "DELETE FROM client WHERE \(unused)", arguments: arguments)
            return db.changesCount
        }
    }
}
