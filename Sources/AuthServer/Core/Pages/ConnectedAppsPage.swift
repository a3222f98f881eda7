import Foundation

/// /account/apps: every grant the person (or, for an admin, anyone in the tenant) has given, each with a
/// Revoke form (POST /account/apps/revoke with `grant_id` and `csrf_token`).
public struct ConnectedAppsPage: Page {
    public static let template = PageTemplate.accountApps

    /// One grant: one consent, device approval or token, and everything issued from it.
    public struct App: Sendable, Equatable {
        public let grantID: String
        public let clientName: String
        /// The verified host of a CIMD client; nil shows "unverified".
        public let clientHost: String?
        /// Set when the grant is a personal access token: its row on /account/tokens.
        public let personalAccessTokenID: String?
        public let isFirstParty: Bool
        public let firstAuthorised: PageDate
        public let lastAuthorised: PageDate
        public let scopes: [String]
        public let activeRefreshTokens: Int
        /// Whose grant this is; set only when an admin sees other people's grants.
        public let ownerEmail: String?

        public init(
            grantID: String, clientName: String, clientHost: String?, personalAccessTokenID: String? = nil, isFirstParty: Bool, firstAuthorised: Date,
            lastAuthorised: Date, scopes: [String], activeRefreshTokens: Int, ownerEmail: String? = nil
        ) {
            self.grantID = grantID
            self.clientName = clientName
            self.clientHost = clientHost
            self.personalAccessTokenID = personalAccessTokenID
            self.isFirstParty = isFirstParty
            self.firstAuthorised = PageDate(firstAuthorised)
            self.lastAuthorised = PageDate(lastAuthorised)
            self.scopes = scopes
            self.activeRefreshTokens = activeRefreshTokens
            self.ownerEmail = ownerEmail
        }
    }

    public let account: AccountFrame
    public let apps: [App]
    /// Shows the owner column: an admin looking at the whole tenant.
    public let showsOwners: Bool
    /// A line of news at the top, such as "Claude was disconnected."
    public let notice: String?

    public init(signedIn: SignedInSession, apps: [App], showsOwners: Bool, notice: String? = nil) {
        account = AccountFrame(signedIn: signedIn, current: .apps)
        self.apps = apps
        self.showsOwners = showsOwners
        self.notice = notice
    }
}
