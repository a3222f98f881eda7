import Foundation
import PostgresNIO

extension PostgresServiceDeskStore {
    public func alerts(_ filter: AlertFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Alert> {
        let conditions = SQLConditions.alerts(filter, scope: scope)
        let (items, next) = try await page(Alert.self, from: "alert", conditions, order: .alerts, page: request, key: KeysetOrder.alertKey)
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func alert(id: String, scope: ServiceDeskScope) async throws -> AlertDetail? {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "alert")
        conditions.add("alert.id = ?", [id])
        guard let alert = try await fetch(Alert.self, from: "alert", conditions).first else { return nil }
        var assetName: String?
        if let assetID = alert.assetID {
            var asset = SQLConditions()
            asset.add("tenant_id = ? AND id = ? AND company_id = ?", [alert.tenantID, assetID, alert.companyID])
            assetName = try await fetch(Asset.self, from: "asset", asset).first?.name
        }
        var history = SQLConditions()
        history.add("tenant_id = ? AND alert_id = ?", [alert.tenantID, alert.id])
        return AlertDetail(
            alert: alert, customerName: try await customerNames(ids: [alert.companyID], scope: scope)[alert.companyID] ?? "", assetName: assetName,
            history: try await fetch(AlertEvent.self, from: "alert_event", history, "ORDER BY occurred_at, id"))
    }

    public func assets(_ filter: AssetFilter, page request: PageRequest, scope: ServiceDeskScope) async throws -> Page<Asset> {
        let conditions = SQLConditions.assets(filter, scope: scope)
        let (items, next) = try await page(Asset.self, from: "asset", conditions, order: .assets, page: request) { [.text($0.name), .text($0.id)] }
        return Page(items: items, nextCursor: next, customerNames: try await customerNames(ids: items.map(\.companyID), scope: scope))
    }

    public func asset(id: String, scope: ServiceDeskScope) async throws -> AssetDetail? {
        var conditions = SQLConditions()
        conditions.scope(scope, table: "asset")
        conditions.add("asset.id = ?", [id])
        guard let asset = try await fetch(Asset.self, from: "asset", conditions).first else { return nil }
        var siteName: String?
        if let siteID = asset.siteID {
            var site = SQLConditions()
            site.add("tenant_id = ? AND id = ? AND company_id = ?", [asset.tenantID, siteID, asset.companyID])
            siteName = try await fetch(CompanySite.self, from: "company_site", site).first?.name
        }
        var alerts = SQLConditions()
        alerts.add("alert.tenant_id = ? AND alert.asset_id = ?", [asset.tenantID, asset.id])
        alerts.any("alert.status", in: Alert.Status.activeStatuses.map(\.rawValue))
        var backups = SQLConditions()
        backups.add("tenant_id = ? AND asset_id = ?", [asset.tenantID, asset.id])
        return AssetDetail(
            asset: asset, customerName: try await customerNames(ids: [asset.companyID], scope: scope)[asset.companyID] ?? "", siteName: siteName,
            activeAlerts: try await fetch(Alert.self, from: "alert", alerts, KeysetOrder.alerts.orderBy),
            backupJobs: try await fetch(BackupJob.self, from: "backup_job", backups, "ORDER BY name, id"))
    }
}
