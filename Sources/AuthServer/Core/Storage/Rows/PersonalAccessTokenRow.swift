import Foundation
import GRDB
import Shared

/// A row of `personal_access_token`, read joined with its grant, whose `scopes` are the token's; writing it
/// writes the token's own columns only.
struct PersonalAccessTokenRow: Codable, FetchableRecord, EncodableRecord {
    var tenantID: String
    var id: String
    var grantID: String
    var userID: String
    var tokenHash: String
    var label: String
    var scopes: String
    var companyID: String?
    var createdAt: Date
    var expiresAt: Date
    var lastUsedAt: Date?
    var lastUsedAddress: String?
    var elevatedAt: Date?
    var elevatedUntil: Date?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, grantID = "grant_id", userID = "user_id", tokenHash = "token_hash", label, scopes
        case companyID = "company_id", createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at"
        case lastUsedAddress = "last_used_address", elevatedAt = "elevated_at", elevatedUntil = "elevated_until"
    }

    var model: PersonalAccessTokenRecord {
        PersonalAccessTokenRecord(
            tenantID: tenantID, id: id, grantID: grantID, userID: userID, tokenHash: tokenHash, label: label, scopes: RowLists.words(scopes),
            companyID: companyID, createdAt: createdAt, expiresAt: expiresAt, lastUsedAt: lastUsedAt, lastUsedAddress: lastUsedAddress,
            elevatedAt: elevatedAt, elevatedUntil: elevatedUntil)
    }
}

extension PersonalAccessTokenRow {
    init(_ token: PersonalAccessTokenRecord) {
        self.init(
            tenantID: token.tenantID, id: token.id, grantID: token.grantID, userID: token.userID, tokenHash: token.tokenHash, label: token.label,
            scopes: RowLists.text(token.scopes), companyID: token.companyID, createdAt: token.createdAt, expiresAt: token.expiresAt,
            lastUsedAt: token.lastUsedAt, lastUsedAddress: token.lastUsedAddress, elevatedAt: token.elevatedAt, elevatedUntil: token.elevatedUntil)
    }
}

/// Read column by column (Shared's `Row.value` says why): introspection reads the token on every call.
extension PersonalAccessTokenRow {
    init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), grantID: try row.value(CodingKeys.grantID),
            userID: try row.value(CodingKeys.userID), tokenHash: try row.value(CodingKeys.tokenHash), label: try row.value(CodingKeys.label),
            scopes: try row.value(CodingKeys.scopes), companyID: try row.value(CodingKeys.companyID), createdAt: try row.date(CodingKeys.createdAt),
            expiresAt: try row.date(CodingKeys.expiresAt), lastUsedAt: try row.optionalDate(CodingKeys.lastUsedAt),
            lastUsedAddress: try row.value(CodingKeys.lastUsedAddress), elevatedAt: try row.optionalDate(CodingKeys.elevatedAt),
            elevatedUntil: try row.optionalDate(CodingKeys.elevatedUntil))
    }
}
