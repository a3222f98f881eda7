import Foundation
import Shared

/// /admin/features: the tenant's modules, each on or off (POST /admin/features with `module-<name>` = `on` for
/// every module to keep on). The switches live on the resource-server (`ResourceServerAdmin`); while it cannot be
/// reached, the page says so and offers no form.
public struct AdminFeaturesPage: Page {
    public static let template = PageTemplate.adminFeatures

    public struct Module: Sendable, Equatable {
        public let name: String
        public let summary: String
        public let isOn: Bool
    }

    public let account: AccountFrame
    public let admin: AdminFrame
    /// Empty while the resource-server cannot be reached.
    public let modules: [Module]

    init(admin: AdminFrame, states: [ToolModule: Bool]) {
        account = admin.account
        self.admin = admin
        modules = states.keys.sorted().map { Module(name: $0.rawValue, summary: $0.summary, isOn: states[$0] ?? true) }
    }
}
