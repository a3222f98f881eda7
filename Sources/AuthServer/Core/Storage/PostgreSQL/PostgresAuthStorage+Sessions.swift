import Foundation
import PostgresNIO

/// Browser sessions and half-done sign-ins on PostgreSQL.
extension PostgresAuthStorage {
    public func insertSession(_ session: BrowserSession) async throws {
        try await database.rows(
            """
            INSERT INTO browser_session (tenant_id, id_hash, user_id, created_at, last_seen_at, auth_time, amr)
            VALUES (\(session.tenantID), \(session.idHash), \(session.userID), \(session.createdAt), \(session.lastSeenAt), \(session.authTime),
                \(session.authenticationMethods.joined(separator: " ")))
            """)
    }

    public func session(tenantID: String, idHash: String) async throws -> BrowserSession? {
        try await database.rows("SELECT * FROM browser_session WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)").first.map { row in
            try BrowserSession(
                tenantID: row.value("tenant_id"), idHash: row.value("id_hash"), userID: row.value("user_id"), createdAt: row.value("created_at"),
                lastSeenAt: row.value("last_seen_at"), authTime: row.value("auth_time"), authenticationMethods: RowLists.words(row.value("amr")))
        }
    }

    public func touchSession(tenantID: String, idHash: String, lastSeenAt: Date) async throws {
        try await database.rows("UPDATE browser_session SET last_seen_at = \(lastSeenAt) WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
    }

    public func reauthenticateSession(tenantID: String, idHash: String, at: Date, authenticationMethods: [String]) async throws {
        try await database.rows(
            """
            UPDATE browser_session SET auth_time = \(at), amr = \(authenticationMethods.joined(separator: " "))
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
        try await database.rows(
            """
            INSERT INTO pending_sign_in (tenant_id, id_hash, user_id, return_to, created_at)
            VALUES (\(pending.tenantID), \(pending.idHash), \(pending.userID), \(pending.returnTo), \(pending.createdAt))
            """)
    }

    public func pendingSignIn(tenantID: String, idHash: String) async throws -> PendingSignIn? {
        try await database.rows("SELECT * FROM pending_sign_in WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)").first.map { row in
            try PendingSignIn(
                tenantID: row.value("tenant_id"), idHash: row.value("id_hash"), userID: row.value("user_id"), returnTo: row.value("return_to"),
                createdAt: row.value("created_at"))
        }
    }

    public func deletePendingSignIn(tenantID: String, idHash: String) async throws {
        try await database.rows("DELETE FROM pending_sign_in WHERE tenant_id = \(tenantID) AND id_hash = \(idHash)")
    }
}
