import Foundation
import GRDB
import Shared

/// SQLite implementation of `GrantStore`'s grants, codes, refresh tokens, consents and pending requests. Lists of
/// scopes are stored space-separated (a scope token cannot hold a space, RFC 6749 §3.3); lists of URIs as JSON arrays.
extension SQLiteAuthStorage {
    public func activeGrant(tenantID: String, userID: String, clientID: String, resource: String) async throws -> Grant? {
        try await database.read { db in
            try GrantRow.fetchOne(
                db,
                cached: """
                    SELECT * FROM oauth_grant WHERE tenant_id = ? AND user_id = ? AND client_id = ? AND resource = ?
                    AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1
                    """,
                arguments: [tenantID, userID, clientID, resource]
            )?.model
        }
    }

    public func saveGrant(_ grant: Grant, ledger: LedgerEntry?) async throws {
        try await database.write { db in
            try Self.saveGrant(db, grant)
            if let ledger { try Self.appendLedger(db, [ledger]) }
        }
    }

    static func saveGrant(_ db: Database, _ grant: Grant) throws {
        try db.execute(
            cached: """
                INSERT INTO oauth_grant (tenant_id, id, user_id, client_id, resource, scopes, created_at, last_authorised_at,
                    revoked_at, revocation_reason)
                VALUES (:tenant_id, :id, :user_id, :client_id, :resource, :scopes, :created_at, :last_authorised_at, :revoked_at,
                    :revocation_reason)
                ON CONFLICT(tenant_id, id) DO UPDATE SET scopes = excluded.scopes, last_authorised_at = excluded.last_authorised_at
                """,
            arguments: StatementArguments(GrantRow(grant).databaseDictionary)
        )
    }

    public func grant(tenantID: String, id: String) async throws -> Grant? {
        try await database.read { db in
            try GrantRow.fetchOne(db, cached: "SELECT * FROM oauth_grant WHERE tenant_id = ? AND id = ?", arguments: [tenantID, id])?.model
        }
    }

    public func activeGrants(tenantID: String, userID: String?) async throws -> [Grant] {
        try await database.read { db in
            try GrantRow.fetchAll(
                db,
                cached: """
                    SELECT * FROM oauth_grant WHERE tenant_id = ? AND (? IS NULL OR user_id = ?) AND revoked_at IS NULL
                    ORDER BY last_authorised_at DESC
                    """,
                arguments: [tenantID, userID, userID]
            ).map(\.model)
        }
    }

    public func revokeGrant(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { db in
            guard try Self.revokeGrants(db, tenantID: tenantID, where: "id = ?", [id], reason: reason, at: at) == 1 else { return false }
            if let ledger { try Self.appendLedger(db, [ledger]) }
            return true
        }
    }

    public func revokeGrants(tenantID: String, userID: String, reason: String, at: Date) async throws -> Int {
        try await database.write { db in try Self.revokeGrants(db, tenantID: tenantID, where: "user_id = ?", [userID], reason: reason, at: at) }
    }

    /// Marks the tenant's active grants that `condition` selects revoked, appends them to the revocation log, and
    /// deletes their refresh tokens, codes and the consents they rested on, in the caller's transaction.
    static func revokeGrants(
        _ db: Database, tenantID: String, where condition: String, _ arguments: StatementArguments, reason: String, at: Date
    ) throws -> Int {
        let selected = "tenant_id = ? AND revoked_at IS NULL AND \(condition)"
        let grants = try Row.fetchAll(db, sql: "SELECT id, user_id, client_id FROM oauth_grant WHERE \(selected)", arguments: [tenantID] + arguments)
        guard !grants.isEmpty else { return 0 }
        let ids: [String] = grants.map { $0["id"] }
        // The ledger learns of every ending here, whatever ended it; the reason says who (docs/security.md § The audit ledger).
        try appendLedger(
            db,
            grants.map {
                Ledger.entry(.grantRevoked, tenantID: tenantID, subjectID: $0["user_id"], grantID: $0["id"], clientID: $0["client_id"], detail: reason, at: at)
            })
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let chosen = StatementArguments([tenantID] + ids)
        try appendRevocationEvents(
            db, kind: .grant, selecting: "SELECT tenant_id, id FROM oauth_grant WHERE tenant_id = ? AND id IN (\(placeholders))", arguments: chosen)
        try db.execute(
            sql: "UPDATE oauth_grant SET revoked_at = ?, revocation_reason = ? WHERE tenant_id = ? AND id IN (\(placeholders))",
            arguments: [at, reason] + chosen)
        try db.execute(sql: "DELETE FROM refresh_token WHERE tenant_id = ? AND grant_id IN (\(placeholders))", arguments: chosen)
        try db.execute(sql: "DELETE FROM authorization_code WHERE tenant_id = ? AND grant_id IN (\(placeholders))", arguments: chosen)
        try db.execute(
            sql: """
                DELETE FROM consent WHERE tenant_id = ? AND (user_id, client_id) IN
                (SELECT user_id, client_id FROM oauth_grant WHERE tenant_id = ? AND id IN (\(placeholders)))
                """,
            arguments: [tenantID] + chosen)
        return ids.count
    }

    public func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws {
        try await database.write { db in try AuthorizationCodeRow(code).insert(db) }
    }

    public func authorizationCode(tenantID: String, codeHash: String) async throws -> AuthorizationCodeRecord? {
        try await database.read { db in
            try AuthorizationCodeRow.fetchOne(
                db, cached: "SELECT * FROM authorization_code WHERE tenant_id = ? AND code_hash = ?", arguments: [tenantID, codeHash])?.model
        }
    }

    public func spendAuthorizationCode(tenantID: String, codeHash: String, at: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE authorization_code SET used_at = ? WHERE tenant_id = ? AND code_hash = ? AND used_at IS NULL",
                arguments: [at, tenantID, codeHash]
            )
            return db.changesCount == 1
        }
    }

    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await database.write { db in try Self.insert(db, token) }
    }

    /// Positional arguments and dates written by `UTCTimestamp` in GRDB's own form, as the ledger's: every code
    /// exchange and refresh grant inserts one, and the record's Codable insert was a twentieth of a refresh grant.
    private static func insert(_ db: Database, _ token: RefreshTokenRecord) throws {
        try db.execute(
            cached: """
                INSERT INTO refresh_token (tenant_id, token_hash, grant_id, client_id, scopes, resource, auth_time, amr, elevated_at, elevated_by,
                    created_at, expires_at, rotated_at, successor)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                token.tenantID, token.tokenHash, token.grantID, token.clientID, RowLists.text(token.scopes), token.resource,
                UTCTimestamp.stored(token.authentication.authTime), token.authentication.amr, token.authentication.elevatedAt.map(UTCTimestamp.stored),
                token.authentication.elevatedBy, UTCTimestamp.stored(token.createdAt), UTCTimestamp.stored(token.expiresAt),
                token.rotatedAt.map(UTCTimestamp.stored), token.successor,
            ])
    }

    public func refreshToken(tenantID: String, tokenHash: String) async throws -> RefreshTokenRecord? {
        try await database.read { db in
            try RefreshTokenRow.fetchOne(
                db, cached: "SELECT * FROM refresh_token WHERE tenant_id = ? AND token_hash = ?", arguments: [tenantID, tokenHash])?.model
        }
    }

    public func rotateRefreshToken(
        tenantID: String, tokenHash: String, at: Date, successor: Data, replacement: RefreshTokenRecord, ledger: LedgerEntry
    ) async throws -> Bool {
        // Dates written by `UTCTimestamp` in GRDB's own form, as `insert`'s: GRDB's `DateFormatter` was a seventieth of the grant.
        let stamp = UTCTimestamp.stored(at)
        return try await database.write { db in
            try db.execute(
                cached: "UPDATE refresh_token SET rotated_at = ?, successor = ? WHERE tenant_id = ? AND token_hash = ? AND rotated_at IS NULL",
                arguments: [stamp, successor, tenantID, tokenHash]
            )
            guard db.changesCount == 1 else { return false }
            try Self.insert(db, replacement)
            try Self.appendLedger(db, [ledger])
            try db.execute(
                cached: "UPDATE client SET last_used_at = ? WHERE tenant_id = ? AND id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                arguments: [stamp, tenantID, replacement.clientID, UTCTimestamp.stored(at.addingTimeInterval(-AuthPolicy.clientUseGranularity))])
            return true
        }
    }

    public func liveRefreshTokenCount(tenantID: String, grantID: String, at: Date) async throws -> Int {
        try await database.read { db in
            try Int.fetchOne(
                db, cached: "SELECT COUNT(*) FROM refresh_token WHERE tenant_id = ? AND grant_id = ? AND rotated_at IS NULL AND expires_at > ?",
                arguments: [tenantID, grantID, at]
            ) ?? 0
        }
    }

    public func consentedScopes(tenantID: String, userID: String, clientID: String) async throws -> Set<String>? {
        try await database.read { db in
            try String.fetchOne(
                db, cached: "SELECT scopes FROM consent WHERE tenant_id = ? AND user_id = ? AND client_id = ?",
                arguments: [tenantID, userID, clientID]
            ).map { Set(RowLists.words($0)) }
        }
    }

    public func saveConsent(tenantID: String, userID: String, clientID: String, scopes: Set<String>, at: Date) async throws {
        try await database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO consent (tenant_id, user_id, client_id, scopes, granted_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(tenant_id, user_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at
                    """, arguments: [tenantID, userID, clientID, scopes.sorted().joined(separator: " "), at]
            )
        }
    }

    public func insertPendingAuthorization(_ pending: PendingAuthorization) async throws {
        try await database.write { db in
            // Expired requests are swept here, where new ones arrive, so the table stays small without a timer.
            try db.execute(cached: "DELETE FROM pending_authorization WHERE expires_at <= ?", arguments: [Date()])
            try PendingAuthorizationRow(pending).insert(db)
        }
    }

    public func takePendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization? {
        try await database.write { db in
            let pending = try Self.pending(db, tenantID: tenantID, idHash: idHash, userID: userID, at: at)
            if pending != nil {
                try db.execute(cached: "DELETE FROM pending_authorization WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])
            }
            return pending
        }
    }

    public func pendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization? {
        try await database.read { db in try Self.pending(db, tenantID: tenantID, idHash: idHash, userID: userID, at: at) }
    }

    private static func pending(_ db: Database, tenantID: String, idHash: String, userID: String, at: Date) throws -> PendingAuthorization? {
        try PendingAuthorizationRow.fetchOne(
            db, cached: "SELECT * FROM pending_authorization WHERE tenant_id = ? AND id_hash = ? AND user_id = ? AND expires_at > ?",
            arguments: [tenantID, idHash, userID, at]
        )?.model()
    }
}
