import Foundation
import Shared

/// /account/tokens: the person's personal access tokens (an admin's page lists the tenant's), each with Revoke
/// (POST /account/tokens/revoke with `id`), and for the owner Regenerate (…/regenerate) and, with a current code,
/// Allow high-trust tools (…/elevate with `id` and `code`). The form makes one (POST /account/tokens with `label`,
/// `scope-<name>` = `yes` per scope, `expires_in_days` or `expires_on` = `YYYY-MM-DD`, and for staff `company`). A new value is
/// shown once, with lines to paste.
public struct AccountTokensPage: Page {
    public static let template = PageTemplate.accountTokens

    public struct Row: Sendable, Equatable {
        public let id: String
        public let label: String
        public let scopes: [String]
        public let company: String?
        public let created: PageDate
        public let expires: PageDate
        public let isExpired: Bool
        public let lastUsed: PageDate?
        public let lastUsedAddress: String?
        public let elevatedUntil: PageDate?
        /// Set only when an admin sees someone else's token.
        public let ownerEmail: String?
        /// Regenerate and elevate are for the owner alone.
        public let isOwn: Bool
    }

    /// A value shown this once, with ready-made lines that carry it.
    public struct NewToken: Sendable, Equatable {
        public let id: String
        public let label: String
        public let value: String
        public let curl: String
        public let mcpRemote: String
        public let commandLine: String
    }

    public struct ScopeChoice: Sendable, Equatable {
        public let name: String
        public let text: String
    }

    public let account: AccountFrame
    public let tokens: [Row]
    public let showsOwners: Bool
    public let created: NewToken?
    public let notice: String?
    public let problem: String?
    public let scopeChoices: [ScopeChoice]
    public let dayChoices: [Int]
    public let maxDays: Int
    /// Staff may restrict a token to one company.
    public let offersCompany: Bool
    /// Elevating a token needs a second factor to enter.
    public let canElevate: Bool
    public let elevationWindow: String

    init(
        signedIn: SignedInSession, tokens: [Row], created: NewToken?, notice: String?, problem: String?, maxDays: Int, canElevate: Bool,
        elevationWindowSeconds: Int
    ) {
        account = AccountFrame(signedIn: signedIn, current: .tokens)
        self.tokens = tokens
        showsOwners = signedIn.user.role == .admin
        self.created = created
        self.notice = notice
        self.problem = problem
        scopeChoices = ScopeCatalog.everything(for: signedIn.user.role).filter { $0 != ScopeCatalog.offlineAccess }.compactMap { name in
            ScopeCatalog.definition(named: name).map { ScopeChoice(name: name, text: $0.consentText) }
        }
        dayChoices = AuthPolicy.PersonalAccessTokens.offeredDays.filter { $0 <= maxDays }
        self.maxDays = maxDays
        offersCompany = signedIn.user.role != .company
        self.canElevate = canElevate
        elevationWindow = Elevation.describe(windowSeconds: elevationWindowSeconds)
    }

    static func row(_ token: PersonalAccessTokenRecord, viewer: User, ownerEmail: String?, now: Date) -> Row {
        Row(
            id: token.id, label: token.label, scopes: token.scopes, company: token.companyID, created: PageDate(token.createdAt),
            expires: PageDate(token.expiresAt), isExpired: token.isExpired(at: now), lastUsed: token.lastUsedAt.map(PageDate.init),
            lastUsedAddress: token.lastUsedAddress, elevatedUntil: token.isElevated(at: now) ? token.elevatedUntil.map(PageDate.init) : nil,
            ownerEmail: token.userID == viewer.id ? nil : ownerEmail, isOwn: token.userID == viewer.id)
    }

    static func newToken(_ made: PersonalAccessTokens.Made, resource: String) -> NewToken {
        let value = made.value.value
        let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"whoami","arguments":{}}}"#
        return NewToken(
            id: made.token.id, label: made.token.label, value: value,
            curl: "curl \(resource) -H 'Authorization: Bearer \(value)' -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -d '\(call)'",
            mcpRemote: "npx -y mcp-remote \(resource) --header 'Authorization: Bearer \(value)'",
            commandLine: "GATEHOUSE_URL=\(resource) GATEHOUSE_TOKEN=\(value) gatehouse call whoami")
    }
}
