import Foundation
import PostgresNIO
import Shared

/// Service accounts (`ServiceAccountStore`) on PostgreSQL. An account's row is read joined with its grant, whose
/// scopes are its own.
extension PostgresAuthStorage {
    public func insertServiceAccount(_ account: ServiceAccount, client: Client, grant: Grant, ledger: LedgerEntry) async throws {
        try await database.write { write in
            try await Self.saveClient(write, client)
            try await Self.saveGrant(write, grant)
            try await write.rows(
                """
                INSERT INTO service_account (tenant_id, id, client_id, grant_id, name, company_id, created_by, created_at)
                VALUES (\(account.tenantID), \(account.id), \(client.id), \(grant.id), \(account.name), \(account.companyID), \(account.createdBy),
                    \(account.createdAt))
                """)
            try await Self.appendLedger(write, [ledger])
        }
    }

    public func serviceAccounts(tenantID: String) async throws -> [ServiceAccount] {
        try await database.rows(Self.accounts(tenantID: tenantID, id: nil)).map { try $0.record(ServiceAccountRow.self).model }
    }

    public func serviceAccount(tenantID: String, id: String) async throws -> ServiceAccount? {
        try await database.rows(Self.accounts(tenantID: tenantID, id: id)).first?.record(ServiceAccountRow.self).model
    }

    public func replaceServiceAccountCredentials(tenantID: String, id: String, secretHashes: [String], at: Date, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { write in
            let rotated = try await write.rows(
                "UPDATE service_account SET secret_rotated_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(id) AND revoked_at IS NULL RETURNING 1")
            guard rotated.count == 1 else { return false }
            try await write.rows(
                "UPDATE client SET secret_hashes = \(RowLists.text(secretHashes)) WHERE tenant_id = \(tenantID) AND id = \(id)")
            try await Self.appendLedger(write, [ledger])
            return true
        }
    }

    public func revokeServiceAccount(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { write in
            let revoked = try await write.rows(
                "UPDATE service_account SET revoked_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(id) AND revoked_at IS NULL RETURNING grant_id")
            guard let row = revoked.first else { return false }
            try await write.rows("UPDATE client SET secret_hashes = '', jwks = NULL, jwks_uri = NULL WHERE tenant_id = \(tenantID) AND id = \(id)")
            guard try await Self.revokeGrants(write, tenantID: tenantID, grantID: row.value("grant_id"), reason: reason, at: at) == 1 else { return false }
            try await Self.appendLedger(write, [ledger])
            return true
        }
    }

    /// The tenant's accounts (one when `id` is given), newest first. An account whose grant was revoked elsewhere
    /// (connected apps, /oauth/revoke) reads as revoked from then on.
    private static func accounts(tenantID: String, id: String?) -> PostgresQuery {
        """
        SELECT s.tenant_id, s.id, s.grant_id, s.name, s.company_id, s.created_by, s.created_at, s.secret_rotated_at,
            COALESCE(s.revoked_at, g.revoked_at) AS revoked_at, g.scopes
        FROM service_account s JOIN oauth_grant g ON g.tenant_id = s.tenant_id AND g.id = s.grant_id
        WHERE s.tenant_id = \(tenantID) AND (\(id)::text IS NULL OR s.id = \(id)::text)
        ORDER BY s.created_at DESC, s.id COLLATE "C"
        """
    }
}
