import Foundation
import GRDB
import Shared

/// SQLite implementation of `PersonalAccessTokenStore`, and disabling people, which ends their tokens with
/// their other grants. A token's row is read joined with its grant, whose scopes and revocation are the token's.
extension SQLiteAuthStorage {
    public func insertPersonalAccessToken(_ token: PersonalAccessTokenRecord, grant: Grant, ledger: LedgerEntry) async throws {
        try await database.write { db in
            try Self.saveGrant(db, grant)
            try Self.insert(db, token)
            try Self.appendLedger(db, [ledger])
        }
    }

    public func replacePersonalAccessToken(
        _ old: PersonalAccessTokenRecord, with new: PersonalAccessTokenRecord, grant: Grant, at: Date, ledger: LedgerEntry
    ) async throws -> Bool {
        try await database.write { db in
            guard try Self.revokeGrants(db, tenantID: old.tenantID, where: "id = ?", [old.grantID], reason: "token regenerated", at: at) == 1 else {
                return false
            }
            try Self.saveGrant(db, grant)
            try Self.insert(db, new)
            try Self.appendLedger(db, [ledger])
            return true
        }
    }

    public func personalAccessToken(tenantID: String, tokenHash: String) async throws -> PersonalAccessTokenRecord? {
        try await database.read { db in
            try PersonalAccessTokenRow.fetchOne(db, cached: Self.activeTokens + " AND p.token_hash = ?", arguments: [tenantID, tokenHash])?.model
        }
    }

    public func personalAccessToken(tenantID: String, id: String) async throws -> PersonalAccessTokenRecord? {
        try await database.read { db in
            try PersonalAccessTokenRow.fetchOne(db, cached: Self.activeTokens + " AND p.id = ?", arguments: [tenantID, id])?.model
        }
    }

    public func personalAccessTokens(tenantID: String, userID: String?) async throws -> [PersonalAccessTokenRecord] {
        try await database.read { db in
            try PersonalAccessTokenRow.fetchAll(
                db, cached: Self.activeTokens + " AND (? IS NULL OR p.user_id = ?) ORDER BY p.created_at DESC, p.id",
                arguments: [tenantID, userID, userID]
            ).map(\.model)
        }
    }

    public func recordPersonalAccessTokenUse(tenantID: String, id: String, at: Date, address: String?) async throws {
        let due = PersonalAccessTokenRecord.lastUseRecordedBy(at)
        // Callers ask `isUseDue` of the row they read first; the condition settles a race between two of them.
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE personal_access_token SET last_used_at = ?, last_used_address = ?
                    WHERE tenant_id = ? AND id = ? AND (last_used_at IS NULL OR last_used_at <= ?)
                    """, arguments: [at, address, tenantID, id, due])
        }
    }

    public func elevatePersonalAccessToken(tenantID: String, id: String, at: Date, until: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE personal_access_token SET elevated_at = ?, elevated_until = ? WHERE tenant_id = ? AND id = ?
                    AND grant_id IN (SELECT id FROM oauth_grant WHERE tenant_id = ? AND revoked_at IS NULL)
                    """, arguments: [at, until, tenantID, id, tenantID])
            guard db.changesCount == 1 else { return false }
            try Self.appendRevocationEvents(
                db, kind: .changed, selecting: "SELECT tenant_id, grant_id FROM personal_access_token WHERE tenant_id = ? AND id = ?",
                arguments: [tenantID, id])
            return true
        }
    }

    public func setUserDisabled(tenantID: String, userID: String, at: Date?, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE user SET disabled_at = ? WHERE tenant_id = ? AND id = ? AND (disabled_at IS NULL) = ?",
                arguments: [at, tenantID, userID, at != nil])
            guard db.changesCount == 1 else { return false }
            if let ledger { try Self.appendLedger(db, [ledger]) }
            guard let at else { return true }
            try db.execute(cached: "DELETE FROM browser_session WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
            try db.execute(cached: "DELETE FROM pending_sign_in WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
            try db.execute(cached: "DELETE FROM pending_authorization WHERE tenant_id = ? AND user_id = ?", arguments: [tenantID, userID])
            _ = try Self.revokeGrants(db, tenantID: tenantID, where: "user_id = ?", [userID], reason: "person disabled", at: at)
            try Self.appendRevocationEvents(db, kind: .user, selecting: "SELECT ?, ?", arguments: [tenantID, userID])
            return true
        }
    }

    /// The tenant's tokens whose grant is active; the caller appends its own conditions.
    private static let activeTokens = """
        SELECT p.*, g.scopes FROM personal_access_token p JOIN oauth_grant g ON g.tenant_id = p.tenant_id AND g.id = p.grant_id
        WHERE p.tenant_id = ? AND g.revoked_at IS NULL
        """

    private static func insert(_ db: Database, _ token: PersonalAccessTokenRecord) throws {
        try db.execute(
            cached: """
                INSERT INTO personal_access_token (tenant_id, id, grant_id, user_id, token_hash, label, company_id, created_at, expires_at,
                    last_used_at, last_used_address, elevated_at, elevated_until)
                VALUES (:tenant_id, :id, :grant_id, :user_id, :token_hash, :label, :company_id, :created_at, :expires_at, :last_used_at,
                    :last_used_address, :elevated_at, :elevated_until)
                """,
            arguments: StatementArguments(try PersonalAccessTokenRow(token).databaseDictionary))
    }
}
