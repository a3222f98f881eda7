import Foundation
import GRDB

/// A row of `pending_sign_in`.
struct PendingSignInRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "pending_sign_in"

    var tenantID: String
    var idHash: String
    var userID: String
    var returnTo: String
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", idHash = "id_hash", userID = "user_id", returnTo = "return_to", createdAt = "created_at"
    }

    var model: PendingSignIn { PendingSignIn(tenantID: tenantID, idHash: idHash, userID: userID, returnTo: returnTo, createdAt: createdAt) }
}

extension PendingSignInRow {
    init(_ pending: PendingSignIn) {
        self.init(tenantID: pending.tenantID, idHash: pending.idHash, userID: pending.userID, returnTo: pending.returnTo, createdAt: pending.createdAt)
    }
}
