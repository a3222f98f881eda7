import Foundation
import GRDB

/// Browser sessions and half-done sign-ins in the embedded store.
extension SQLiteAuthStorage {
    public func insertSession(_ session: BrowserSession) async throws {
        try await database.write { db in
            try BrowserSessionRow(session).insert(db)
        }
    }

    public func session(tenantID: String, idHash: String) async throws -> BrowserSession? {
        try await database.read { db in
            try BrowserSessionRow.fetchOne(
                db, cached: "SELECT * FROM browser_session WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])?.model
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
                arguments: [at, RowLists.text(authenticationMethods), tenantID, idHash])
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
            try PendingSignInRow(pending).insert(db)
        }
    }

    public func pendingSignIn(tenantID: String, idHash: String) async throws -> PendingSignIn? {
        try await database.read { db in
            try PendingSignInRow.fetchOne(
                db, cached: "SELECT * FROM pending_sign_in WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])?.model
        }
    }

    public func deletePendingSignIn(tenantID: String, idHash: String) async throws {
        try await database.write { db in
            try db.execute(cached: "DELETE FROM pending_sign_in WHERE tenant_id = ? AND id_hash = ?", arguments: [tenantID, idHash])
        }
    }
}
