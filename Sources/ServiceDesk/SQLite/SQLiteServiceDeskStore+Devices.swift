import Foundation
import GRDB

extension SQLiteServiceDeskStore {

    public func alerts(_ filter: AlertFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Alert> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.alerts(filter, scope: scope)
            let (items, next): ([Alert], String?) = try page(
                db, select: "SELECT alert.* FROM alert", conditions: conditions, order: KeysetOrder.alerts, page: request, keyValues: KeysetOrder.alertKey
            )
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }

    public func alert(id: String, scope: ServiceDeskScope) async throws -> AlertDetail? {
        try await database.isolatedRead { db in
            var conditions = SQLConditions()
            conditions.scope(scope, table: "alert")
            conditions.add("alert.id = ?", [id])
            guard let alert = try Alert.fetchOne(db.cachedStatement(sql: "SELECT * FROM alert \(conditions.sql)"), arguments: conditions.arguments) else { return nil }
            let assetName = try alert.assetID.flatMap {
                try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM asset WHERE tenant_id = ? AND id = ? AND company_id = ?"), arguments: [alert.tenantID, $0, alert.companyID])
            }
            return AlertDetail(
                alert: alert, customerName: try customerNames(db, ids: [alert.companyID], scope: scope)[alert.companyID] ?? "", assetName: assetName,
                history: try AlertEvent.fetchAll(db.cachedStatement(sql: "SELECT * FROM alert_event WHERE tenant_id = ? AND alert_id = ? ORDER BY occurred_at, id"), arguments: [alert.tenantID, alert.id]
                )
            )
        }
    }

    public func assets(_ filter: AssetFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Asset> {
        try await database.isolatedRead { db in
            let conditions = SQLConditions.assets(filter, scope: scope)
            let (items, next): ([Asset], String?) = try page(
                db, select: "SELECT asset.* FROM asset", conditions: conditions, order: KeysetOrder.assets, page: request
            ) { [.text($0.name), .text($0.id)] }
            return Page(items: items, nextCursor: next, customerNames: try customerNames(db, ids: items.map(\.companyID), scope: scope))
        }
    }

    public func asset(id: String, scope: ServiceDeskScope) async throws -> AssetDetail? {
        try await database.isolatedRead { db in
            var conditions = SQLConditions()
            conditions.scope(scope, table: "asset")
            conditions.add("asset.id = ?", [id])
            guard let asset = try Asset.fetchOne(db.cachedStatement(sql: "SELECT * FROM asset \(conditions.sql)"), arguments: conditions.arguments) else { return nil }
            let siteName = try asset.siteID.flatMap {
                try String.fetchOne(db.cachedStatement(sql: "SELECT name FROM company_site WHERE tenant_id = ? AND id = ? AND company_id = ?"), arguments: [asset.tenantID, $0, asset.companyID]
                )
            }
            var alerts = SQLConditions()
            alerts.add("alert.tenant_id = ? AND alert.asset_id = ?", [asset.tenantID, asset.id])
            alerts.any("alert.status", in: Alert.Status.activeStatuses.map(\.rawValue))
            return AssetDetail(
                asset: asset, customerName: try customerNames(db, ids: [asset.companyID], scope: scope)[asset.companyID] ?? "", siteName: siteName,
                activeAlerts: try Alert.fetchAll(db.cachedStatement(sql: "SELECT * FROM alert \(alerts.sql) \(KeysetOrder.alerts.orderBy)"), arguments: alerts.arguments),
                backupJobs: try BackupJob.fetchAll(db.cachedStatement(sql: "SELECT * FROM backup_job WHERE tenant_id = ? AND asset_id = ? ORDER BY name, id"), arguments: [asset.tenantID, asset.id]
                )
            )
        }
    }
}
