import Foundation
import Shared

/// A tenant's answers to "who may connect which apps", set by `auth-server admin tenant set`.
public struct TenantGovernance: Sendable, Equatable {
    public var tenantID: String
    /// Whether company users may connect apps unless an admin said otherwise for one of them.
    public var companyUsersMayConnect: Bool
    public var appPolicy: AppPolicy

    public init(
        tenantID: String, companyUsersMayConnect: Bool = AuthPolicy.companyUsersMayConnect, appPolicy: AppPolicy = AuthPolicy.appPolicy
    ) {
        self.tenantID = tenantID
        self.companyUsersMayConnect = companyUsersMayConnect
        self.appPolicy = appPolicy
    }

    /// Whether this person may connect an app: their own setting, else their role's default (admins and
    /// technicians may; company users as the tenant says). Apps already connected are never ended by it.
    public func mayConnect(_ user: User) -> Bool {
        if let own = user.mayConnect { return own }
        return user.role == .company ? companyUsersMayConnect : true
    }

    /// The settings as `admin tenant show` prints them, one per line.
    public var summary: String {
        "app-policy: \(appPolicy.rawValue)\ncompany-users-may-connect: \(companyUsersMayConnect ? "on" : "off")"
    }

    /// The `tenant.settings_changed` entry that is saved with these settings.
    public func changeEntry(by actor: User?, at now: Date) -> LedgerEntry {
        Ledger.decision(.tenantSettingsChanged, tenantID: tenantID, by: actor, subjectID: nil, detail: summary.replacingOccurrences(of: "\n", with: ", "), at: now)
    }
}
