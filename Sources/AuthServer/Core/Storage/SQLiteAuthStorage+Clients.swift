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
        let redirectURIs = try jsonText(client.redirectURIs)
        let grantTypes = try jsonText(client.grantTypes)
        try db.execute(
            cached: """
                INSERT INTO client (tenant_id, id, kind, name, redirect_uris, auth_method, secret_hashes,
                    registration_token_hash, grant_types, scope, jwks_uri, jwks, registration_fingerprint, metadata_json,
                    pinned, created_at, last_used_at, approval)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(tenant_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
                    redirect_uris = excluded.redirect_uris, auth_method = excluded.auth_method, secret_hashes = excluded.secret_hashes,
                    registration_token_hash = excluded.registration_token_hash, grant_types = excluded.grant_types,
                    scope = excluded.scope, jwks_uri = excluded.jwks_uri, jwks = excluded.jwks,
                    registration_fingerprint = excluded.registration_fingerprint, metadata_json = excluded.metadata_json,
                    pinned = excluded.pinned, last_used_at = excluded.last_used_at
                """,
            arguments: [
                client.tenantID, client.id, client.kind.rawValue, client.name, redirectURIs, client.authMethod.rawValue,
                client.secretHashes.joined(separator: " "), client.registrationTokenHash, grantTypes, client.scope, client.jwksURI, client.jwks,
                client.registrationFingerprint, client.metadataJSON, client.isPinned, client.createdAt, client.lastUsedAt,
                client.approval.state.rawValue,
            ]
        )
    }

    public func client(tenantID: String, id: String) async throws -> Client? {
        try await database.read { db in
            try Row.fetchOne(db, cached: "SELECT * FROM client WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id]).map(Self.client)
        }
    }

    public func client(tenantID: String, fingerprint: String) async throws -> Client? {
        try await database.read { db in
            try Row.fetchOne(
                db, cached: "SELECT * FROM client WHERE tenant_id = ? AND registration_fingerprint = ? AND kind = ?",
                arguments: [tenantID, fingerprint, Client.Kind.dynamic.rawValue]
            ).map(Self.client)
        }
    }

    public func deleteClient(tenantID: String, id: String) async throws {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM pending_authorization WHERE tenant_id = ? AND client_id = ?", arguments: [tenantID, id])
            try Self.appendRevocationEvents(
                db, kind: .client, selecting: "SELECT tenant_id, id FROM client c WHERE tenant_id = ? AND id = ? AND \(Self.hasLiveGrant)",
                arguments: [tenantID, id])
            try db.execute(cached: "DELETE FROM client WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
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

    static func client(_ row: Row) throws -> Client {
        guard let kind = Client.Kind(rawValue: row["kind"]) else { throw AuthStorageError.corruptRow("client.kind") }
        guard let approval = ClientApproval.State(rawValue: row["approval"]) else { throw AuthStorageError.corruptRow("client.approval") }
        guard let method = ClientAuthMethod(rawValue: row["auth_method"]) else { throw AuthStorageError.corruptRow("client.auth_method") }
        return Client(
            tenantID: row["tenant_id"], id: row["id"], kind: kind, name: row["name"],
            redirectURIs: try JSONDecoder().decode([String].self, from: Data((row["redirect_uris"] as String).utf8)), authMethod: method,
            secretHashes: Self.words(row["secret_hashes"]), registrationTokenHash: row["registration_token_hash"],
            grantTypes: try JSONDecoder().decode([String].self, from: Data((row["grant_types"] as String).utf8)), scope: row["scope"],
            jwksURI: row["jwks_uri"], jwks: row["jwks"], registrationFingerprint: row["registration_fingerprint"],
            metadataJSON: row["metadata_json"], isPinned: row["pinned"], createdAt: row["created_at"], lastUsedAt: row["last_used_at"],
            approval: ClientApproval(state: approval, requestedAt: row["approval_requested_at"], requestedBy: row["approval_requested_by"])
        )
    }
}
