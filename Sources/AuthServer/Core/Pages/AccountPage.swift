import Shared

/// /account: who the person is, with links to the other account pages.
public struct AccountPage: Page {
    public static let template = PageTemplate.account

    public let account: AccountFrame
    public let email: String
    public let role: String
    /// The company a company user's records belong to; nil for staff.
    public let company: String?

    public init(signedIn: SignedInSession) {
        account = AccountFrame(signedIn: signedIn, current: .overview)
        email = signedIn.user.email
        role = Self.words(for: signedIn.user.role)
        company = signedIn.user.companyID
    }

    static func words(for role: Role) -> String {
        switch role {
        case .admin: "Administrator: sees and manages everything in this organisation"
        case .technician: "Technician: sees every customer's records"
        case .company: "Company user: sees your own company's records"
        }
    }
}
