import Foundation
import GRDB
import Shared

/// SQLite implementation of `DeviceAuthorizationStore`. The poll, the answer and the issuing are each one
/// conditional UPDATE (or a read and write in one transaction), so racing polls and racing answers are settled
/// by the database.
extension SQLiteAuthStorage {
    public func insertDeviceAuthorization(_ authorization: DeviceAuthorization) async throws -> Bool {
        do {
            try await database.write { db in
                // Expired requests are swept where new ones arrive, so only live user codes can collide.
                try db.execute(cached: "DELETE FROM device_authorization WHERE expires_at <= ?", arguments: [authorization.createdAt])
                try DeviceAuthorizationRow(authorization).insert(db)
            }
            return true
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return false
        }
    }

    public func deviceAuthorization(tenantID: String, userCodeHash: String, at: Date) async throws -> DeviceAuthorization? {
        try await database.read { db in
            try DeviceAuthorizationRow.fetchOne(
                db, cached: "SELECT * FROM device_authorization WHERE tenant_id = ? AND user_code_hash = ? AND expires_at > ?",
                arguments: [tenantID, userCodeHash, at]
            )?.model()
        }
    }

    public func deviceAuthorization(tenantID: String, deviceCodeHash: String) async throws -> DeviceAuthorization? {
        try await database.read { db in try Self.deviceAuthorization(db, tenantID: tenantID, deviceCodeHash: deviceCodeHash) }
    }

    public func recordDevicePoll(
        tenantID: String, deviceCodeHash: String, clientID: String, at: Date, slowDownIncrement: Int
    ) async throws -> (authorization: DeviceAuthorization, tooSoon: Bool)? {
        try await database.write { db in
            guard var authorization = try Self.deviceAuthorization(db, tenantID: tenantID, deviceCodeHash: deviceCodeHash),
                authorization.clientID == clientID
            else { return nil }
            let tooSoon = authorization.recordPoll(at: at, slowDownIncrement: slowDownIncrement)
            try db.execute(
                cached: "UPDATE device_authorization SET poll_interval = ?, last_polled_at = ? WHERE tenant_id = ? AND device_code_hash = ?",
                arguments: [authorization.interval, at, tenantID, deviceCodeHash])
            return (authorization, tooSoon)
        }
    }

    public func answerDeviceAuthorization(
        tenantID: String, deviceCodeHash: String, approval: DeviceAuthorization.Approval?, at: Date
    ) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE device_authorization SET status = ?, user_id = ?, grant_id = ?, scopes = ?, auth_time = ?, amr = ?, elevated_at = ?,
                        elevated_by = ?
                    WHERE tenant_id = ? AND device_code_hash = ? AND status = ? AND expires_at > ?
                    """,
                arguments: [
                    (approval == nil ? DeviceAuthorization.Status.denied : .approved).rawValue, approval?.userID, approval?.grantID,
                    approval.map { RowLists.text($0.scopes) } ?? "", approval?.authentication.authTime,
                    approval?.authentication.amr ?? "", approval?.authentication.elevatedAt,
                    approval?.authentication.elevatedBy,
                    tenantID, deviceCodeHash,
                    DeviceAuthorization.Status.pending.rawValue, at,
                ])
            return db.changesCount == 1
        }
    }

    public func spendDeviceAuthorization(tenantID: String, deviceCodeHash: String, at: Date) async throws -> Bool {
        try await database.write { db in
            try db.execute(
                cached: """
                    UPDATE device_authorization SET tokens_issued_at = ?
                    WHERE tenant_id = ? AND device_code_hash = ? AND status = ? AND tokens_issued_at IS NULL
                    """, arguments: [at, tenantID, deviceCodeHash, DeviceAuthorization.Status.approved.rawValue])
            return db.changesCount == 1
        }
    }

    private static func deviceAuthorization(_ db: Database, tenantID: String, deviceCodeHash: String) throws -> DeviceAuthorization? {
        try DeviceAuthorizationRow.fetchOne(
            db, cached: "SELECT * FROM device_authorization WHERE tenant_id = ? AND device_code_hash = ?", arguments: [tenantID, deviceCodeHash]
        )?.model()
    }
}
