import Foundation
import GRDB

/// A row of `second_factor`: the TOTP secret sealed, and the last time step accepted (RFC 6238 §5.2).
struct SecondFactorRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "second_factor"

    var tenantID: String
    var userID: String
    var sealedSecret: Data
    var createdAt: Date
    var enabledAt: Date?
    var lastStep: Int64?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", userID = "user_id", sealedSecret = "sealed_secret", createdAt = "created_at", enabledAt = "enabled_at"
        case lastStep = "last_step"
    }

    var model: StoredSecondFactor {
        StoredSecondFactor(
            tenantID: tenantID, userID: userID, sealedSecret: sealedSecret, createdAt: createdAt, enabledAt: enabledAt, lastStep: lastStep)
    }
}

extension SecondFactorRow {
    init(_ factor: StoredSecondFactor) {
        self.init(
            tenantID: factor.tenantID, userID: factor.userID, sealedSecret: factor.sealedSecret, createdAt: factor.createdAt,
            enabledAt: factor.enabledAt, lastStep: factor.lastStep)
    }
}
