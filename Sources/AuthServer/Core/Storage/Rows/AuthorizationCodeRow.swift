import Foundation
import GRDB

/// A row of `authorization_code`.
struct AuthorizationCodeRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "authorization_code"

    var tenantID: String
    var codeHash: String
    var grantID: String
    var clientID: String
    var userID: String
    var redirectURI: String
    var codeChallenge: String
    var resource: String
    var scopes: String
    var authTime: Date
    var amr: String
    var elevatedAt: Date?
    var elevatedBy: String?
    var expiresAt: Date
    var usedAt: Date?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", codeHash = "code_hash", grantID = "grant_id", clientID = "client_id", userID = "user_id"
        case redirectURI = "redirect_uri", codeChallenge = "code_challenge", resource, scopes, authTime = "auth_time", amr
        case elevatedAt = "elevated_at", elevatedBy = "elevated_by", expiresAt = "expires_at", usedAt = "used_at"
    }

    var model: AuthorizationCodeRecord {
        AuthorizationCodeRecord(
            tenantID: tenantID, codeHash: codeHash, grantID: grantID, clientID: clientID, userID: userID, redirectURI: redirectURI,
            codeChallenge: codeChallenge, resource: resource, scopes: RowLists.words(scopes),
            authentication: Authentication(authTime: authTime, amr: amr, elevatedAt: elevatedAt, elevatedBy: elevatedBy),
            expiresAt: expiresAt, usedAt: usedAt)
    }
}

extension AuthorizationCodeRow {
    init(_ code: AuthorizationCodeRecord) {
        self.init(
            tenantID: code.tenantID, codeHash: code.codeHash, grantID: code.grantID, clientID: code.clientID, userID: code.userID,
            redirectURI: code.redirectURI, codeChallenge: code.codeChallenge, resource: code.resource, scopes: RowLists.text(code.scopes),
            authTime: code.authentication.authTime, amr: code.authentication.amr, elevatedAt: code.authentication.elevatedAt,
            elevatedBy: code.authentication.elevatedBy, expiresAt: code.expiresAt, usedAt: code.usedAt)
    }
}
