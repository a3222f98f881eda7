import Foundation
import GRDB
import Shared

/// A row of `refresh_token`.
struct RefreshTokenRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "refresh_token"

    var tenantID: String
    var tokenHash: String
    var grantID: String
    var clientID: String
    var scopes: String
    var resource: String
    var authTime: Date
    var amr: String
    var elevatedAt: Date?
    var elevatedBy: String?
    var createdAt: Date
    var expiresAt: Date
    var rotatedAt: Date?
    var successor: Data?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", tokenHash = "token_hash", grantID = "grant_id", clientID = "client_id", scopes, resource
        case authTime = "auth_time", amr, elevatedAt = "elevated_at", elevatedBy = "elevated_by", createdAt = "created_at"
        case expiresAt = "expires_at", rotatedAt = "rotated_at", successor
    }

    var model: RefreshTokenRecord {
        RefreshTokenRecord(
            tenantID: tenantID, tokenHash: tokenHash, grantID: grantID, clientID: clientID, scopes: RowLists.words(scopes), resource: resource,
            authentication: Authentication(authTime: authTime, amr: amr, elevatedAt: elevatedAt, elevatedBy: elevatedBy),
            createdAt: createdAt, expiresAt: expiresAt, rotatedAt: rotatedAt, successor: successor)
    }
}

extension RefreshTokenRow {
    init(_ token: RefreshTokenRecord) {
        self.init(
            tenantID: token.tenantID, tokenHash: token.tokenHash, grantID: token.grantID, clientID: token.clientID,
            scopes: RowLists.text(token.scopes), resource: token.resource, authTime: token.authentication.authTime,
            amr: token.authentication.amr, elevatedAt: token.authentication.elevatedAt,
            elevatedBy: token.authentication.elevatedBy, createdAt: token.createdAt, expiresAt: token.expiresAt, rotatedAt: token.rotatedAt,
            successor: token.successor)
    }
}

/// Read column by column (Shared's `Row.value` says why): every refresh grant reads the token it rotates.
extension RefreshTokenRow {
    init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), tokenHash: try row.value(CodingKeys.tokenHash), grantID: try row.value(CodingKeys.grantID),
            clientID: try row.value(CodingKeys.clientID), scopes: try row.value(CodingKeys.scopes), resource: try row.value(CodingKeys.resource),
            authTime: try row.date(CodingKeys.authTime), amr: try row.value(CodingKeys.amr), elevatedAt: try row.optionalDate(CodingKeys.elevatedAt),
            elevatedBy: try row.value(CodingKeys.elevatedBy), createdAt: try row.date(CodingKeys.createdAt), expiresAt: try row.date(CodingKeys.expiresAt),
            rotatedAt: try row.optionalDate(CodingKeys.rotatedAt), successor: try row.value(CodingKeys.successor))
    }
}
