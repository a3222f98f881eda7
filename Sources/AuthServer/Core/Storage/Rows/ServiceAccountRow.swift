import Foundation
import GRDB

/// A row of `service_account` as read joined with its grant: the grant's `scopes`, and `revoked_at` the account's
/// or else its grant's.
struct ServiceAccountRow: Decodable, FetchableRecord {
    var tenantID: String
    var id: String
    var grantID: String
    var name: String
    var scopes: String
    var companyID: String?
    var createdBy: String?
    var createdAt: Date
    var secretRotatedAt: Date?
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, grantID = "grant_id", name, scopes, companyID = "company_id", createdBy = "created_by"
        case createdAt = "created_at", secretRotatedAt = "secret_rotated_at", revokedAt = "revoked_at"
    }

    var model: ServiceAccount {
        ServiceAccount(
            tenantID: tenantID, id: id, grantID: grantID, name: name, scopes: RowLists.words(scopes), companyID: companyID, createdBy: createdBy,
            createdAt: createdAt, secretRotatedAt: secretRotatedAt, revokedAt: revokedAt)
    }
}
