import Foundation
import PostgresNIO
import Shared

/// Grants and what hangs from them (`GrantStore`) on PostgreSQL: codes, refresh tokens, consents, pending requests.
/// Each single-use step (spending a code, rotating a refresh token) is one conditional UPDATE, so two auth-servers
/// racing for it are settled by the database: one changes the row, the other finds it changed.
extension PostgresAuthStorage {
    public func activeGrant(tenantID: String, userID: String, clientID: String, resource: String) async throws -> Grant? {
        try await database.preparedRecords(
            """
            SELECT * FROM oauth_grant WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND client_id = \(clientID)
            AND resource = \(resource) AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1
            """
        ).first?.record(GrantRow.self).model
    }

    public func saveGrant(_ grant: Grant, ledger: LedgerEntry?) async throws {
        try await database.write { write in
            try await Self.saveGrant(write, grant)
            if let ledger { try await Self.appendLedger(write, [ledger]) }
        }
    }

    static func saveGrant(_ write: PostgresWrite, _ grant: Grant) async throws {
        let row = GrantRow(grant)
        try await write.rows(
            """
            INSERT INTO oauth_grant (tenant_id, id, user_id, client_id, resource, scopes, created_at, last_authorised_at, revoked_at,
                revocation_reason)
            VALUES (\(row.tenantID), \(row.id), \(row.userID), \(row.clientID), \(row.resource), \(row.scopes), \(row.createdAt),
                \(row.lastAuthorisedAt), \(row.revokedAt), \(row.revocationReason))
            ON CONFLICT (tenant_id, id) DO UPDATE SET scopes = excluded.scopes, last_authorised_at = excluded.last_authorised_at
            """)
    }

    public func grant(tenantID: String, id: String) async throws -> Grant? {
        try await database.preparedRecords("SELECT * FROM oauth_grant WHERE tenant_id = \(tenantID) AND id = \(id)").first?.record(GrantRow.self).model
    }

    public func activeGrants(tenantID: String, userID: String?) async throws -> [Grant] {
        try await database.rows(
            """
            SELECT * FROM oauth_grant WHERE tenant_id = \(tenantID) AND (\(userID)::text IS NULL OR user_id = \(userID)::text)
            AND revoked_at IS NULL ORDER BY last_authorised_at DESC
            """
        ).map { try $0.record(GrantRow.self).model }
    }

    public func revokeGrant(tenantID: String, id: String, reason: String, at: Date, ledger: LedgerEntry?) async throws -> Bool {
        try await database.write { write in
            guard try await Self.revokeGrants(write, tenantID: tenantID, grantID: id, reason: reason, at: at) == 1 else { return false }
            if let ledger { try await Self.appendLedger(write, [ledger]) }
            return true
        }
    }

    public func revokeGrants(tenantID: String, userID: String, reason: String, at: Date) async throws -> Int {
        try await database.write { write in try await Self.revokeGrants(write, tenantID: tenantID, userID: userID, reason: reason, at: at) }
    }

    /// Revokes one active grant (`grantID`), every active grant one holder gave (`userID`) or every active grant of one
    /// client (`clientID`), in the caller's transaction:
    /// marks them revoked, records them in the ledger and the revocation log, and deletes their refresh tokens, codes
    /// and the consents they rested on. The grants are locked first, so two processes revoking the same grant at once
    /// record it once.
    static func revokeGrants(
        _ write: PostgresWrite, tenantID: String, grantID: String? = nil, userID: String? = nil, clientID: String? = nil, reason: String, at: Date
    ) async throws -> Int {
        precondition([grantID, userID, clientID].compactMap { $0 }.count == 1, "one grant, one holder or one client")
        let grants = try await write.rows(
            """
            SELECT id, user_id, client_id FROM oauth_grant WHERE tenant_id = \(tenantID) AND revoked_at IS NULL
            AND (id = \(grantID)::text OR user_id = \(userID)::text OR client_id = \(clientID)::text) ORDER BY id FOR UPDATE
            """)
        guard !grants.isEmpty else { return 0 }
        let ids: [String] = try grants.map { try $0.value("id") }
        // The ledger learns of every ending here, whatever ended it; the reason says who (docs/security.md § The audit ledger).
        try await appendLedger(
            write,
            grants.map {
                try Ledger.entry(
                    .grantRevoked, tenantID: tenantID, subjectID: $0.value("user_id"), grantID: $0.value("id"), clientID: $0.value("client_id"),
                    detail: reason, at: at)
            })
        try await appendRevocationEvents(write, tenantID: tenantID, kind: .grant, subjects: ids)
        try await write.rows(
            "UPDATE oauth_grant SET revoked_at = \(at), revocation_reason = \(reason) WHERE tenant_id = \(tenantID) AND id = ANY(\(ids))")
        try await write.rows("DELETE FROM refresh_token WHERE tenant_id = \(tenantID) AND grant_id = ANY(\(ids))")
        try await write.rows("DELETE FROM authorization_code WHERE tenant_id = \(tenantID) AND grant_id = ANY(\(ids))")
        try await write.rows(
            """
            DELETE FROM consent WHERE tenant_id = \(tenantID) AND (user_id, client_id) IN
            (SELECT user_id, client_id FROM oauth_grant WHERE tenant_id = \(tenantID) AND id = ANY(\(ids)))
            """)
        return ids.count
    }

    public func insertAuthorizationCode(_ code: AuthorizationCodeRecord) async throws {
        let row = AuthorizationCodeRow(code)
        try await database.rows(
            """
            INSERT INTO authorization_code (tenant_id, code_hash, grant_id, client_id, user_id, redirect_uri, code_challenge, resource, scopes,
                auth_time, amr, elevated_at, elevated_by, expires_at, used_at)
            VALUES (\(row.tenantID), \(row.codeHash), \(row.grantID), \(row.clientID), \(row.userID), \(row.redirectURI), \(row.codeChallenge),
                \(row.resource), \(row.scopes), \(row.authTime), \(row.amr), \(row.elevatedAt), \(row.elevatedBy), \(row.expiresAt), \(row.usedAt))
            """)
    }

    public func authorizationCode(tenantID: String, codeHash: String) async throws -> AuthorizationCodeRecord? {
        try await database.preparedRecords("SELECT * FROM authorization_code WHERE tenant_id = \(tenantID) AND code_hash = \(codeHash)")
            .first?.record(AuthorizationCodeRow.self).model
    }

    public func spendAuthorizationCode(tenantID: String, codeHash: String, at: Date) async throws -> Bool {
        try await database.preparedRecords(
            """
            UPDATE authorization_code SET used_at = \(at) WHERE tenant_id = \(tenantID) AND code_hash = \(codeHash) AND used_at IS NULL
            RETURNING 1
            """
        ).count == 1
    }

    /// One statement, in a transaction of its own: a code's exchange waits for one round trip here, not three.
    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        let row = RefreshTokenRow(token)
        try await database.rows(
            """
            INSERT INTO refresh_token (tenant_id, token_hash, grant_id, client_id, scopes, resource, auth_time, amr, elevated_at, elevated_by,
                created_at, expires_at, rotated_at, successor)
            VALUES (\(row.tenantID), \(row.tokenHash), \(row.grantID), \(row.clientID), \(row.scopes), \(row.resource), \(row.authTime), \(row.amr),
                \(row.elevatedAt), \(row.elevatedBy), \(row.createdAt), \(row.expiresAt), \(row.rotatedAt), \(row.successor))
            """)
    }

    public func refreshToken(tenantID: String, tokenHash: String) async throws -> RefreshTokenRecord? {
        try await database.preparedRecords("SELECT * FROM refresh_token WHERE tenant_id = \(tenantID) AND token_hash = \(tokenHash)")
            .first?.record(RefreshTokenRow.self).model
    }

    /// One statement, so one round trip and its own transaction, where `write` would take six: the rotation, the
    /// replacement, the client's use and the ledger entry each a common table expression, the later ones writing only
    /// when the rotation did. The ledger's lock is taken after the others are read to their end, so it stays the last
    /// lock taken (`insertLedger`).
    public func rotateRefreshToken(
        tenantID: String, tokenHash: String, at: Date, successor: Data, replacement: RefreshTokenRecord, ledger: LedgerEntry
    ) async throws -> Bool {
        let row = RefreshTokenRow(replacement)
        // Values selected rather than listed in VALUES are not typed by their column, so a NULL is cast to it.
        let rotated: Int = try await database.preparedRecords(
            """
            WITH rotated AS (
                UPDATE refresh_token SET rotated_at = \(at), successor = \(successor)
                WHERE tenant_id = \(tenantID) AND token_hash = \(tokenHash) AND rotated_at IS NULL RETURNING 1
            ), replaced AS (
                INSERT INTO refresh_token (tenant_id, token_hash, grant_id, client_id, scopes, resource, auth_time, amr, elevated_at, elevated_by,
                    created_at, expires_at, rotated_at, successor)
                SELECT \(row.tenantID), \(row.tokenHash), \(row.grantID), \(row.clientID), \(row.scopes), \(row.resource), \(row.authTime), \(row.amr),
                    \(row.elevatedAt)::timestamptz, \(row.elevatedBy)::text, \(row.createdAt), \(row.expiresAt), \(row.rotatedAt)::timestamptz,
                    \(row.successor)::bytea
                FROM rotated RETURNING 1
            ), used AS (
                UPDATE client SET last_used_at = \(at) WHERE tenant_id = \(tenantID) AND id = \(replacement.clientID)
                AND (last_used_at IS NULL OR last_used_at < \(at.addingTimeInterval(-AuthPolicy.clientUseGranularity)))
                AND EXISTS (SELECT FROM rotated) RETURNING 1
            ), \(recordingLedger: [LedgerRow(ledger)], tenantID: tenantID,
                after: "rotated, (SELECT count(*) FROM replaced) AS replaced, (SELECT count(*) FROM used) AS used")
            SELECT count(*) AS rotated FROM rotated
            """
        ).first?.value("rotated") ?? 0
        return rotated == 1
    }

    public func liveRefreshTokenCount(tenantID: String, grantID: String, at: Date) async throws -> Int {
        try await database.rows(
            """
            SELECT COUNT(*) AS live FROM refresh_token WHERE tenant_id = \(tenantID) AND grant_id = \(grantID) AND rotated_at IS NULL
            AND expires_at > \(at)
            """
        ).first?.value("live") ?? 0
    }

    public func consentedScopes(tenantID: String, userID: String, clientID: String) async throws -> Set<String>? {
        try await database.preparedRecords("SELECT scopes FROM consent WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND client_id = \(clientID)")
            .first.map { row in Set(RowLists.words(try row.value("scopes"))) }
    }

    public func saveConsent(tenantID: String, userID: String, clientID: String, scopes: Set<String>, at: Date) async throws {
        try await database.rows(
            """
            INSERT INTO consent (tenant_id, user_id, client_id, scopes, granted_at)
            VALUES (\(tenantID), \(userID), \(clientID), \(scopes.sorted().joined(separator: " ")), \(at))
            ON CONFLICT (tenant_id, user_id, client_id) DO UPDATE SET scopes = excluded.scopes, granted_at = excluded.granted_at
            """)
    }

    public func insertPendingAuthorization(_ pending: PendingAuthorization) async throws {
        let row = PendingAuthorizationRow(pending)
        try await database.write { write in
            // Expired requests are swept here, where new ones arrive, so the table stays small without a timer.
            try await write.rows("DELETE FROM pending_authorization WHERE expires_at <= \(Date())")
            try await write.rows(
                """
                INSERT INTO pending_authorization (tenant_id, id_hash, user_id, client_id, redirect_uri, state, code_challenge, device_code_hash,
                    resource, scopes, step_up, expires_at)
                VALUES (\(row.tenantID), \(row.idHash), \(row.userID), \(row.clientID), \(row.redirectURI), \(row.state), \(row.codeChallenge),
                    \(row.deviceCodeHash), \(row.resource), \(row.scopes), \(row.stepUp), \(row.expiresAt))
                """)
        }
    }

    public func takePendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization? {
        try await database.rows(
            """
            DELETE FROM pending_authorization WHERE tenant_id = \(tenantID) AND id_hash = \(idHash) AND user_id = \(userID) AND expires_at > \(at)
            RETURNING *
            """
        ).first?.record(PendingAuthorizationRow.self).model()
    }

    public func pendingAuthorization(tenantID: String, idHash: String, userID: String, at: Date) async throws -> PendingAuthorization? {
        try await database.rows(
            """
            SELECT * FROM pending_authorization WHERE tenant_id = \(tenantID) AND id_hash = \(idHash) AND user_id = \(userID)
            AND expires_at > \(at)
            """
        ).first?.record(PendingAuthorizationRow.self).model()
    }
}
