import Foundation
import GRDB

/// A row of `tenant_governance`; a tenant without one has the defaults (`TenantGovernance(tenantID:)`).
struct TenantGovernanceRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "tenant_governance"

    var tenantID: String
    var companyUsersMayConnect: Bool
    var appPolicy: String

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", companyUsersMayConnect = "company_users_may_connect", appPolicy = "app_policy"
    }

    func model() throws -> TenantGovernance {
        guard let policy = AppPolicy(rawValue: appPolicy) else { throw AuthStorageError.corruptRow("tenant_governance.app_policy") }
        return TenantGovernance(tenantID: tenantID, companyUsersMayConnect: companyUsersMayConnect, appPolicy: policy)
    }
}

extension TenantGovernanceRow {
    init(_ governance: TenantGovernance) {
        self.init(tenantID: governance.tenantID, companyUsersMayConnect: governance.companyUsersMayConnect, appPolicy: governance.appPolicy.rawValue)
    }
}
