import Foundation
import GRDB

/// A row of `oauth_grant`.
struct GrantRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "oauth_grant"

    var tenantID: String
    var id: String
    var userID: String
    var clientID: String
    var resource: String
    var scopes: String
    var createdAt: Date
    var lastAuthorisedAt: Date
    var revokedAt: Date?
    var revocationReason: String?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, userID = "user_id", clientID = "client_id", resource, scopes, createdAt = "created_at"
        case lastAuthorisedAt = "last_authorised_at", revokedAt = "revoked_at", revocationReason = "revocation_reason"
    }

    var model: Grant {
        Grant(
            tenantID: tenantID, id: id, userID: userID, clientID: clientID, resource: resource, scopes: RowLists.words(scopes),
            createdAt: createdAt, lastAuthorisedAt: lastAuthorisedAt, revokedAt: revokedAt, revocationReason: revocationReason)
    }
}

extension GrantRow {
    init(_ grant: Grant) {
        self.init(
            tenantID: grant.tenantID, id: grant.id, userID: grant.userID, clientID: grant.clientID, resource: grant.resource,
            scopes: RowLists.text(grant.scopes), createdAt: grant.createdAt, lastAuthorisedAt: grant.lastAuthorisedAt, revokedAt: grant.revokedAt,
            revocationReason: grant.revocationReason)
    }
}
