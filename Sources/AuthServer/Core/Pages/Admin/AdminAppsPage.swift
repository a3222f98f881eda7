import Foundation
import Shared

/// /admin/apps: the tenant's app policy and who may connect by default (POST /admin/apps with `action` =
/// `policy`, `app_policy` and `company_users_may_connect`), and every app with what an admin may decide on it
/// (`approve`, `block`, `delete` with `client_id`). Pending apps someone asked for come first.
public struct AdminAppsPage: Page {
    public static let template = PageTemplate.adminApps

    public struct PolicyChoice: Sendable, Equatable {
        public let name: String
        public let text: String
        public let isCurrent: Bool
    }

    public struct App: Sendable, Equatable {
        public let clientID: String
        public let name: String
        public let kind: String
        /// The metadata document's URL, the only verified name an app has; nil for a registered one.
        public let verifiedURL: String?
        public let state: String
        /// Someone asked for it while it waited for approval: by whom and when.
        public let requestedBy: String?
        public let requestedAt: PageDate?
        public let created: PageDate
        public let lastUsed: PageDate?
        public let canApprove: Bool
        /// Pinned and first-party apps are the operator's: they cannot be blocked or deleted here.
        public let canBlock: Bool
        public let canDelete: Bool
    }

    public let account: AccountFrame
    public let admin: AdminFrame
    public let policies: [PolicyChoice]
    public let companyUsersMayConnect: Bool
    public let apps: [App]

    init(admin: AdminFrame, governance: TenantGovernance, apps: [App]) {
        account = admin.account
        self.admin = admin
        policies = AppPolicy.allCases.map { PolicyChoice(name: $0.rawValue, text: $0.explanation, isCurrent: $0 == governance.appPolicy) }
        companyUsersMayConnect = governance.companyUsersMayConnect
        self.apps = apps
    }
}

extension AppPolicy {
    /// What the admin page says of the policy.
    var explanation: String {
        switch self {
        case .open: "Any app may be connected, unless you block it."
        case .approved: "An app that registers itself or publishes a metadata document works once you approve it; the first person to try asks you."
        case .closed: "Only the apps the operator pinned, and Gatehouse's own."
        }
    }
}
