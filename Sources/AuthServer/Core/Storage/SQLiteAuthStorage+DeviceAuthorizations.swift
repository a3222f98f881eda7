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
                try db.execute(
                    cached: """
                        INSERT INTO device_authorization (tenant_id, device_code_hash, user_code_hash, client_id, resource, requested_scopes,
                            created_at, expires_at, poll_interval, last_polled_at, status, user_id, grant_id, scopes, auth_time, amr, elevated_at,
                            elevated_by, tokens_issued_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        authorization.tenantID, authorization.deviceCodeHash, authorization.userCodeHash, authorization.clientID,
                        authorization.resource, authorization.requestedScopes?.joined(separator: " "), authorization.createdAt,
                        authorization.expiresAt, authorization.interval, authorization.lastPolledAt, authorization.status.rawValue,
                        authorization.userID, authorization.grantID, authorization.scopes.joined(separator: " "),
                        authorization.authentication?.authTime, authorization.authentication?.methods.joined(separator: " ") ?? "",
                        authorization.authentication?.elevatedAt, authorization.authentication?.elevatedBy, authorization.tokensIssuedAt,
                    ]
                )
            }
            return true
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            return false
        }
    }

    public func deviceAuthorization(tenantID: String, userCodeHash: String, at: Date) async throws -> DeviceAuthorization? {
        try await database.read { db in
            try Row.fetchOne(
                db, cached: "SELECT * FROM device_authorization WHERE tenant_id = ? AND user_code_hash = ? AND expires_at > ?",
                arguments: [tenantID, userCodeHash, at]
            ).map(Self.deviceAuthorization)
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
                    approval?.scopes.joined(separator: " ") ?? "", approval?.authentication.authTime,
                    approval?.authentication.methods.joined(separator: " ") ?? "", approval?.authentication.elevatedAt,
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
        try Row.fetchOne(
            db, cached: "SELECT * FROM device_authorization WHERE tenant_id = ? AND device_code_hash = ?", arguments: [tenantID, deviceCodeHash]
        ).map(deviceAuthorization)
    }

    private static func deviceAuthorization(_ row: Row) throws -> DeviceAuthorization {
        guard let status = DeviceAuthorization.Status(rawValue: row["status"]) else {
            throw AuthStorageError.corruptRow("device_authorization.status")
        }
        return DeviceAuthorization(
            tenantID: row["tenant_id"], deviceCodeHash: row["device_code_hash"], userCodeHash: row["user_code_hash"], clientID: row["client_id"],
            resource: row["resource"], requestedScopes: (row["requested_scopes"] as String?).map(RowLists.words), createdAt: row["created_at"],
            expiresAt: row["expires_at"], interval: row["poll_interval"], lastPolledAt: row["last_polled_at"], status: status,
            userID: row["user_id"], grantID: row["grant_id"], scopes: RowLists.words(row["scopes"]),
            authentication: (row["auth_time"] as Date?) == nil ? nil : authentication(row), tokensIssuedAt: row["tokens_issued_at"]
        )
    }
}
