import Foundation
import PostgresNIO
import Shared

/// Device authorizations (`DeviceAuthorizationStore`, RFC 8628) on PostgreSQL. The poll reads its row locked
/// (`FOR UPDATE`), and the answer and the issuing are each one conditional UPDATE, so racing polls and racing
/// answers are settled by the database even across auth-servers.
extension PostgresAuthStorage {
    public func insertDeviceAuthorization(_ authorization: DeviceAuthorization) async throws -> Bool {
        do {
            try await database.write { write in
                // Expired requests are swept where new ones arrive, so only live user codes can collide.
                try await write.rows("DELETE FROM device_authorization WHERE expires_at <= \(authorization.createdAt)")
                let row = DeviceAuthorizationRow(authorization)
                try await write.rows(
                    """
                    INSERT INTO device_authorization (tenant_id, device_code_hash, user_code_hash, client_id, resource, requested_scopes,
                        created_at, expires_at, poll_interval, last_polled_at, status, user_id, grant_id, scopes, auth_time, amr, elevated_at,
                        elevated_by, tokens_issued_at)
                    VALUES (\(row.tenantID), \(row.deviceCodeHash), \(row.userCodeHash), \(row.clientID), \(row.resource), \(row.requestedScopes),
                        \(row.createdAt), \(row.expiresAt), \(row.pollInterval), \(row.lastPolledAt), \(row.status), \(row.userID), \(row.grantID),
                        \(row.scopes), \(row.authTime), \(row.amr), \(row.elevatedAt), \(row.elevatedBy), \(row.tokensIssuedAt))
                    """)
            }
            return true
        } catch let error where Self.isUniqueViolation(error, of: "device_authorization_tenant_id_user_code_hash_key") {
            return false
        }
    }

    public func deviceAuthorization(tenantID: String, userCodeHash: String, at: Date) async throws -> DeviceAuthorization? {
        try await database.rows(
            "SELECT * FROM device_authorization WHERE tenant_id = \(tenantID) AND user_code_hash = \(userCodeHash) AND expires_at > \(at)"
        ).first?.record(DeviceAuthorizationRow.self).model()
    }

    public func deviceAuthorization(tenantID: String, deviceCodeHash: String) async throws -> DeviceAuthorization? {
        try await database.rows("SELECT * FROM device_authorization WHERE tenant_id = \(tenantID) AND device_code_hash = \(deviceCodeHash)")
            .first?.record(DeviceAuthorizationRow.self).model()
    }

    public func recordDevicePoll(
        tenantID: String, deviceCodeHash: String, clientID: String, at: Date, slowDownIncrement: Int
    ) async throws -> (authorization: DeviceAuthorization, tooSoon: Bool)? {
        try await database.write { write in
            guard
                var authorization = try await write.rows(
                    "SELECT * FROM device_authorization WHERE tenant_id = \(tenantID) AND device_code_hash = \(deviceCodeHash) FOR UPDATE"
                ).first?.record(DeviceAuthorizationRow.self).model(),
                authorization.clientID == clientID
            else { return nil }
            let tooSoon = authorization.recordPoll(at: at, slowDownIncrement: slowDownIncrement)
            try await write.rows(
                """
                UPDATE device_authorization SET poll_interval = \(authorization.interval), last_polled_at = \(at)
                WHERE tenant_id = \(tenantID) AND device_code_hash = \(deviceCodeHash)
                """)
            return (authorization, tooSoon)
        }
    }

    public func answerDeviceAuthorization(
        tenantID: String, deviceCodeHash: String, approval: DeviceAuthorization.Approval?, at: Date
    ) async throws -> Bool {
        let status = approval == nil ? DeviceAuthorization.Status.denied : .approved
        let authentication = approval?.authentication
        return try await database.rows(
            """
            UPDATE device_authorization SET status = \(status.rawValue), user_id = \(approval?.userID), grant_id = \(approval?.grantID),
                scopes = \(approval.map { RowLists.text($0.scopes) } ?? ""), auth_time = \(authentication?.authTime),
                amr = \(authentication?.amr ?? ""), elevated_at = \(authentication?.elevatedAt),
                elevated_by = \(authentication?.elevatedBy)
            WHERE tenant_id = \(tenantID) AND device_code_hash = \(deviceCodeHash) AND status = \(DeviceAuthorization.Status.pending.rawValue)
            AND expires_at > \(at)
            RETURNING 1
            """
        ).count == 1
    }

    public func spendDeviceAuthorization(tenantID: String, deviceCodeHash: String, at: Date) async throws -> Bool {
        try await database.rows(
            """
            UPDATE device_authorization SET tokens_issued_at = \(at)
            WHERE tenant_id = \(tenantID) AND device_code_hash = \(deviceCodeHash) AND status = \(DeviceAuthorization.Status.approved.rawValue)
            AND tokens_issued_at IS NULL
            RETURNING 1
            """
        ).count == 1
    }
}
