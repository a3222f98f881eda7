import Foundation
import PostgresNIO
import Shared

/// Clients (`ClientStore`) on PostgreSQL. Deleting a client takes its grants, codes, refresh tokens and consents
/// with it (the references cascade), and logs a `client` event when one of its grants still issued tokens.
extension PostgresAuthStorage {
    public func saveClient(_ client: Client) async throws {
        try await database.write { write in try await Self.saveClient(write, client) }
    }

    public func registerClient(_ client: Client, ledger: LedgerEntry) async throws {
        try await database.write { write in
            try await Self.saveClient(write, client)
            try await Self.appendLedger(write, [ledger])
        }
    }

    static func saveClient(_ write: PostgresWrite, _ client: Client) async throws {
        let row = try ClientRow(client)
        try await write.rows(
            """
            INSERT INTO client (tenant_id, id, kind, name, redirect_uris, auth_method, secret_hashes, registration_token_hash, grant_types,
                scope, jwks_uri, jwks, registration_fingerprint, metadata_json, pinned, created_at, last_used_at, approval)
            VALUES (\(row.tenantID), \(row.id), \(row.kind), \(row.name), \(row.redirectURIs), \(row.authMethod), \(row.secretHashes),
                \(row.registrationTokenHash), \(row.grantTypes), \(row.scope), \(row.jwksURI), \(row.jwks), \(row.registrationFingerprint),
                \(row.metadataJSON), \(row.pinned), \(row.createdAt), \(row.lastUsedAt), \(row.approval))
            ON CONFLICT (tenant_id, id) DO UPDATE SET kind = excluded.kind, name = excluded.name, redirect_uris = excluded.redirect_uris,
                auth_method = excluded.auth_method, secret_hashes = excluded.secret_hashes,
                registration_token_hash = excluded.registration_token_hash, grant_types = excluded.grant_types, scope = excluded.scope,
                jwks_uri = excluded.jwks_uri, jwks = excluded.jwks, registration_fingerprint = excluded.registration_fingerprint,
                metadata_json = excluded.metadata_json, pinned = excluded.pinned, last_used_at = excluded.last_used_at
            """)
    }

    public func client(tenantID: String, id: String) async throws -> Client? {
        try await database.preparedRecords("SELECT * FROM client WHERE tenant_id = \(tenantID) AND id = \(id)").first?.record(ClientRow.self).model()
    }

    public func client(tenantID: String, fingerprint: String) async throws -> Client? {
        try await database.rows(
            """
            SELECT * FROM client WHERE tenant_id = \(tenantID) AND registration_fingerprint = \(fingerprint)
            AND kind = \(Client.Kind.dynamic.rawValue)
            """
        ).first?.record(ClientRow.self).model()
    }

    public func deleteClient(tenantID: String, id: String, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { write in
            try await write.rows("DELETE FROM pending_authorization WHERE tenant_id = \(tenantID) AND client_id = \(id)")
            let deleted = try await write.rows("DELETE FROM client c WHERE tenant_id = \(tenantID) AND id = \(id) RETURNING \(unescaped: Self.hasLiveGrant)")
            guard let row = deleted.first else { return false }
            if try row.value("live") == true {
                try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: .client, subjects: [id])
            }
            try await Self.appendLedger(write, [ledger])
            return true
        }
    }

    /// Whether a client being deleted has a grant that still issues tokens: only then does it need a `client` event.
    /// Evaluated by `RETURNING`, which sees the rows as they were before the delete.
    private static let hasLiveGrant =
        "c.tenant_id, c.id, EXISTS (SELECT 1 FROM oauth_grant g WHERE g.tenant_id = c.tenant_id AND g.client_id = c.id AND g.revoked_at IS NULL) AS live"

    public func markClientUsed(tenantID: String, id: String, at: Date) async throws {
        try await database.rows("UPDATE client SET last_used_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(id)")
    }

    public func reapDynamicClients(unusedSince date: Date) async throws -> Int {
        try await database.write { write in
            let deleted = try await write.rows(
                """
                DELETE FROM client c WHERE kind = \(Client.Kind.dynamic.rawValue) AND created_at < \(date)
                AND (last_used_at IS NULL OR last_used_at < \(date))
                RETURNING \(unescaped: Self.hasLiveGrant)
                """)
            var live: [String: [String]] = [:]
            for row in deleted where try row.value("live") == true {
                live[try row.value("tenant_id"), default: []].append(try row.value("id"))
            }
            for (tenantID, ids) in live {
                try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: .client, subjects: ids)
            }
            return deleted.count
        }
    }
}
