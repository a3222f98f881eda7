import Foundation
import GRDB
import Shared

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

/// Read column by column (Shared's `Row.value` says why): every refresh grant and every introspection reads a grant.
extension GrantRow {
    init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), userID: try row.value(CodingKeys.userID),
            clientID: try row.value(CodingKeys.clientID), resource: try row.value(CodingKeys.resource), scopes: try row.value(CodingKeys.scopes),
            createdAt: try row.date(CodingKeys.createdAt), lastAuthorisedAt: try row.date(CodingKeys.lastAuthorisedAt),
            revokedAt: try row.optionalDate(CodingKeys.revokedAt), revocationReason: try row.value(CodingKeys.revocationReason))
    }
}
