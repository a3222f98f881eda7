import Foundation
import Shared

/// /admin/service-accounts: the tenant's service accounts, each with New secret (`rotate`) and Revoke (`revoke`,
/// with `id`), and a form that makes one (`create`: `name`, `scope-<name>` = `yes` per scope, optional `company`
/// and `jwks` for `private_key_jwt`). New credentials are shown once, with the request that uses them.
public struct AdminServiceAccountsPage: Page {
    public static let template = PageTemplate.adminServiceAccounts

    public struct Account: Sendable, Equatable {
        public let id: String
        public let name: String
        public let scopes: [String]
        public let company: String?
        public let created: PageDate
        public let createdBy: String?
        public let secretRotated: PageDate?
        public let revoked: PageDate?
        public let usesSecret: Bool
        public let grantPath: String
    }

    public struct Revealed: Sendable, Equatable {
        public let clientID: String
        public let clientSecret: String?
        public let tokenRequest: String
    }

    public let account: AccountFrame
    public let admin: AdminFrame
    public let accounts: [Account]
    public let revealed: Revealed?
    public let scopeChoices: [AccountTokensPage.ScopeChoice]

    init(admin: AdminFrame, accounts: [Account], issued: ServiceAccounts.Issued?, tenant: Tenant) {
        account = admin.account
        self.admin = admin
        self.accounts = accounts
        revealed = issued.map { issued in
            Revealed(
                clientID: issued.clientID, clientSecret: issued.clientSecret,
                tokenRequest: "curl -u '\(issued.clientID):\(issued.clientSecret ?? "<signed client assertion instead>")' "
                    + "-d grant_type=client_credentials -d resource=\(tenant.resource) \(tenant.issuer)\(AuthServerPaths.token)")
        }
        scopeChoices = ScopeCatalog.everything(for: .technician).filter { $0 != ScopeCatalog.offlineAccess }.compactMap { name in
            ScopeCatalog.definition(named: name).map { AccountTokensPage.ScopeChoice(name: name, text: $0.consentText) }
        }
    }
}
