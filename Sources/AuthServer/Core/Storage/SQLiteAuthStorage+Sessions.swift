import Foundation
import GRDB

/// Browser sessions and half-done sign-ins in the embedded store.
extension SQLiteAuthStorage {
    public func insertSession(_ session: BrowserSession) async throws {
        try await database.write { db in
            try db.execute(
                cached: """
                    INSERT INTO browser_session (tenant_id, id_hash, user_id, created_at, last_seen_at, auth_time, amr)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    session.tenantID, session.idHash, session.userID, session.createdAt, session.lastSeenAt, session.authTime,
                    session.authenticationMethods.joined(separator: " "),
                ]
            )
        }
    }

    public func session(tenantID: String, idHash: String) async throws -> BrowserSession? {
        try await database.read { db in
            try Row.fetchOne(
                db, cached: "SELECT * FROM browser_session WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash]
            ).map { row in
                BrowserSession(
                    tenantID: row["tenant_id"], idHash: row["id_hash"], userID: row["user_id"], createdAt: row["created_at"],
                    lastSeenAt: row["last_seen_at"], authTime: row["auth_time"],
                    authenticationMethods: (row["amr"] as String).split(separator: " ").map(String.init)
                )
            }
        }
    }

    public func touchSession(tenantID: String, idHash: String, lastSeenAt: Date) async throws {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE browser_session SET last_seen_at = ? WHERE tenant_id = ? AND id_hash = ?", arguments: [lastSeenAt, tenantID, idHash]
            )
        }
    }

    public func reauthenticateSession(tenantID: String, idHash: String, at: Date, authenticationMethods: [String]) async throws {
        try await database.write { db in
            try db.execute(
                cached: "UPDATE browser_session SET auth_time = ?, amr = ? WHERE tenant_id = ? AND id_hash = ?",
                arguments: [at, authenticationMethods.joined(separator: " "), tenantID, idHash])
        }
    }

    public func deleteSession(tenantID: String, idHash: String) async throws {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM browser_session WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])
        }
    }

    public func deleteSessions(tenantID: String, userID: String, except keptIDHash: String?) async throws {
        try await database.write { db in
            try db.execute(
                cached: "DELETE FROM browser_session WHERE tenant_id = ? AND user_id = ? AND id_hash IS NOT ?",
                arguments: [tenantID, userID, keptIDHash]
            )
        }
    }

    public func deleteExpiredSessions(tenantID: String, idleBefore: Date, createdBefore: Date, pendingBefore: Date) async throws {
        try await database.write { db in
            try db.execute(
                cached: "DELETE FROM browser_session WHERE tenant_id = ? AND (last_seen_at < ? OR created_at < ?)",
                arguments: [tenantID, idleBefore, createdBefore]
            )
            try db.execute(cached: "DELETE FROM pending_sign_in WHERE tenant_id = ? AND created_at < ?", arguments: [tenantID, pendingBefore])
        }
    }

    public func insertPendingSignIn(_ pending: PendingSignIn) async throws {
        try await database.write { db in
            try db.execute(
                cached: "INSERT INTO pending_sign_in (tenant_id, id_hash, user_id, return_to, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [pending.tenantID, pending.idHash, pending.userID, pending.returnTo, pending.createdAt]
            )
        }
    }

    public func pendingSignIn(tenantID: String, idHash: String) async throws -> PendingSignIn? {
        try await database.read { db in
            try Row.fetchOne(
                db, cached: "SELECT * FROM pending_sign_in WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash]
            ).map { row in
                PendingSignIn(
                    tenantID: row["tenant_id"], idHash: row["id_hash"], userID: row["user_id"], returnTo: row["return_to"],
                    createdAt: row["created_at"])
            }
        }
    }

    public func deletePendingSignIn(tenantID: String, idHash: String) async throws {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM pending_sign_in WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])
        }
    }
}
