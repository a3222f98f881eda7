import Foundation
import PostgresNIO

/// Browser sessions and half-done sign-ins on PostgreSQL.
extension PostgresAuthStorage {
    public func insertSession(_ session: BrowserSession) async throws {
        let row = BrowserSessionRow(session)
        try await database.rows(
            """
            INSERT INTO browser_session (tenant_id, id_hash, user_id, created_at, last_seen_at, auth_time, amr)
            VALUES (\(row.tenantID), \(row.idHash), \(row.userID), \(row.createdAt), \(row.lastSeenAt), \(row.authTime), \(row.amr))
            """)
    }

    public func session(tenantID: String, idHash: String) async throws -> BrowserSession? {
        try await database.preparedRecords("SELECT * FROM browser_session WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
            .first?.record(BrowserSessionRow.self).model
    }

    public func touchSession(tenantID: String, idHash: String, lastSeenAt: Date) async throws {
        try await database.rows("UPDATE browser_session SET last_seen_at = \(lastSeenAt) WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
    }

    public func reauthenticateSession(tenantID: String, idHash: String, at: Date, authenticationMethods: [String]) async throws {
        try await database.rows(
            """
            UPDATE browser_session SET auth_time = \(at), amr = \(RowLists.text(authenticationMethods))
            WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)
            """)
    }

    public func deleteSession(tenantID: String, idHash: String) async throws {
        try await database.rows("DELETE FROM browser_session WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
    }

    public func deleteSessions(tenantID: String, userID: String, except keptIDHash: String?) async throws {
        try await database.rows(
            "DELETE FROM browser_session WHERE tenant_id = \(tenantID) AND user_id = \(userID) AND id_hash IS DISTINCT FROM \(keptIDHash)::text")
    }

    public func deleteExpiredSessions(tenantID: String, idleBefore: Date, createdBefore: Date, pendingBefore: Date) async throws {
        try await database.write { write in
            try await write.rows(
                "DELETE FROM browser_session WHERE tenant_id = \(tenantID) AND (last_seen_at < \(idleBefore) OR created_at < \(createdBefore))")
            try await write.rows("DELETE FROM pending_sign_in WHERE tenant_id = \(tenantID) AND created_at < \(pendingBefore)")
        }
    }

    public func insertPendingSignIn(_ pending: PendingSignIn) async throws {
        let row = PendingSignInRow(pending)
        try await database.rows(
            """
            INSERT INTO pending_sign_in (tenant_id, id_hash, user_id, return_to, created_at)
            VALUES (\(row.tenantID), \(row.idHash), \(row.userID), \(row.returnTo), \(row.createdAt))
            """)
    }

    public func pendingSignIn(tenantID: String, idHash: String) async throws -> PendingSignIn? {
        try await database.rows("SELECT * FROM pending_sign_in WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
            .first?.record(PendingSignInRow.self).model
    }

    public func deletePendingSignIn(tenantID: String, idHash: String) async throws {
        try await database.rows("DELETE FROM pending_sign_in WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
    }
}
