/// What every account page shows around its content: who is signed in, the account navigation with the
/// current page marked, and the sign-out form (which needs the session's CSRF token, as do the page's forms).
public struct AccountFrame: Sendable {
    public enum Section: String, CaseIterable, Sendable {
        case overview = "/account"
        case apps = "/account/apps"
        case tokens = "/account/tokens"
        case security = "/account/security"
        case connect = "/account/connect"
        case tools = "/tools"
        /// Shown to admins only: the admin pages (`AdminFrame`).
        case admin = "/admin"

        var label: String {
            switch self {
            case .overview: "Account"
            case .apps: "Connected apps"
            case .tokens: "Access tokens"
            case .security: "Security"
            case .connect: "Connect an app"
            case .tools: "Tools"
            case .admin: "Administration"
            }
        }
    }

    public struct Link: Sendable, Equatable {
        public let href: String
        public let label: String
        public let isCurrent: Bool
    }

    public let email: String
    public let csrfToken: String
    public let links: [Link]

    public init(email: String, csrfToken: String, current: Section, isAdmin: Bool = false) {
        self.email = email
        self.csrfToken = csrfToken
        links = Section.allCases.filter { $0 != .admin || isAdmin }.map { Link(href: $0.rawValue, label: $0.label, isCurrent: $0 == current) }
    }

    public init(signedIn: SignedInSession, current: Section) {
        self.init(email: signedIn.user.email, csrfToken: signedIn.csrfToken, current: current, isAdmin: signedIn.user.role == .admin)
    }
}
