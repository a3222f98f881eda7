import Foundation
import GRDB
import Shared

/// SQLite implementation of `ServiceAccountStore`. An account's row is read joined with its grant, whose scopes are its own.
extension SQLiteAuthStorage {
    public func insertServiceAccount(_ account: ServiceAccount, client: Client, grant: Grant, ledger: LedgerEntry) async throws {
        try await database.write { db in
            try Self.saveClient(db, client)
            try Self.saveGrant(db, grant)
            try db.execute(
                sql: """
                    INSERT INTO service_account (tenant_id, id, client_id, grant_id, name, company_id, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [account.tenantID, account.id, client.id, grant.id, account.name, account.companyID, account.createdBy, account.createdAt])
            try Self.appendLedger(db, [ledger])
        }
    }

    public func serviceAccounts(tenantID: String) async throws -> [ServiceAccount] {
        try await database.read { db in
            try ServiceAccountRow.fetchAll(db, cached: Self.accounts + " ORDER BY s.created_at DESC, s.id", arguments: [tenantID]).map(\.model)
        }
    }

    public func serviceAccount(tenantID: String, id: String) async throws -> ServiceAccount? {
        try await database.read { db in
            try ServiceAccountRow.fetchOne(db, cached: Self.accounts + " AND s.id = ?", arguments: [tenantID, id])?.model
        }
    }

    public func replaceServiceAccountCredentials(tenantID: String, id: String, secretHashes: [String], at: Date, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE service_account SET secret_rotated_at = ? WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL", arguments: [at, tenantID, id])
            guard db.changesCount == 1 else { return false }
            try db.execute(
                sql: "UPDATE client SET secret_hashes = ? WHERE tenant_id = ? AND id = ?",
                arguments: [RowLists.text(secretHashes), tenantID, id])
            try Self.appendLedger(db, [ledger])
            return true
        }
    }

    public func revokeServiceAccount(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry) async throws -> Bool {
        try await database.write { db in
            guard let grantID = try String.fetchOne(
                db, sql: "SELECT grant_id FROM service_account WHERE tenant_id = ? AND id = ? AND revoked_at IS NULL", arguments: [tenantID, id])
            else { return false }
            try db.execute(sql: "UPDATE service_account SET revoked_at = ? WHERE tenant_id = ? AND id = ?", arguments: [at, tenantID, id])
            try db.execute(sql: "UPDATE client SET secret_hashes = '', jwks = NULL, jwks_uri = NULL WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])
            guard try Self.revokeGrants(db, tenantID: tenantID, where: "id = ?", [grantID], reason: reason, at: at) == 1 else { return false }
            try Self.appendLedger(db, [ledger])
            return true
        }
    }

    /// An account whose grant was revoked elsewhere (connected apps, /oauth/revoke) reads as revoked from then on.
    private static let accounts = """
        SELECT s.tenant_id, s.id, s.grant_id, s.name, s.company_id, s.created_by, s.created_at, s.secret_rotated_at,
            COALESCE(s.revoked_at, g.revoked_at) AS revoked_at, g.scopes
        FROM service_account s JOIN oauth_grant g ON g.tenant_id = s.tenant_id AND g.id = s.grant_id
        WHERE s.tenant_id = ?
        """
}
