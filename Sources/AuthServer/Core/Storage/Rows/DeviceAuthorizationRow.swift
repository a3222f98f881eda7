import Foundation
import GRDB

/// A row of `device_authorization`. The person's sign-in columns are empty (`amr` the empty list) until the
/// request is answered.
struct DeviceAuthorizationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "device_authorization"

    var tenantID: String
    var deviceCodeHash: String
    var userCodeHash: String
    var clientID: String
    var resource: String
    var requestedScopes: String?
    var createdAt: Date
    var expiresAt: Date
    var pollInterval: Int
    var lastPolledAt: Date?
    var status: String
    var userID: String?
    var grantID: String?
    var scopes: String
    var authTime: Date?
    var amr: String
    var elevatedAt: Date?
    var elevatedBy: String?
    var tokensIssuedAt: Date?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", deviceCodeHash = "device_code_hash", userCodeHash = "user_code_hash", clientID = "client_id", resource
        case requestedScopes = "requested_scopes", createdAt = "created_at", expiresAt = "expires_at", pollInterval = "poll_interval"
        case lastPolledAt = "last_polled_at", status, userID = "user_id", grantID = "grant_id", scopes, authTime = "auth_time", amr
        case elevatedAt = "elevated_at", elevatedBy = "elevated_by", tokensIssuedAt = "tokens_issued_at"
    }

    func model() throws -> DeviceAuthorization {
        guard let status = DeviceAuthorization.Status(rawValue: status) else { throw AuthStorageError.corruptRow("device_authorization.status") }
        return DeviceAuthorization(
            tenantID: tenantID, deviceCodeHash: deviceCodeHash, userCodeHash: userCodeHash, clientID: clientID, resource: resource,
            requestedScopes: requestedScopes.map(RowLists.words), createdAt: createdAt, expiresAt: expiresAt, interval: pollInterval,
            lastPolledAt: lastPolledAt, status: status, userID: userID, grantID: grantID, scopes: RowLists.words(scopes),
            authentication: authTime.map { Authentication(authTime: $0, amr: amr, elevatedAt: elevatedAt, elevatedBy: elevatedBy) },
            tokensIssuedAt: tokensIssuedAt)
    }
}

extension DeviceAuthorizationRow {
    init(_ authorization: DeviceAuthorization) {
        let authentication = authorization.authentication
        self.init(
            tenantID: authorization.tenantID, deviceCodeHash: authorization.deviceCodeHash, userCodeHash: authorization.userCodeHash,
            clientID: authorization.clientID, resource: authorization.resource, requestedScopes: authorization.requestedScopes.map(RowLists.text),
            createdAt: authorization.createdAt, expiresAt: authorization.expiresAt, pollInterval: authorization.interval,
            lastPolledAt: authorization.lastPolledAt, status: authorization.status.rawValue, userID: authorization.userID,
            grantID: authorization.grantID, scopes: RowLists.text(authorization.scopes), authTime: authentication?.authTime,
            amr: authentication?.amr ?? "", elevatedAt: authentication?.elevatedAt, elevatedBy: authentication?.elevatedBy,
            tokensIssuedAt: authorization.tokensIssuedAt)
    }
}
