import Foundation
import Hummingbird
import Shared

/// What every admin page shows around its content: the account frame, the admin sections with the current one
/// marked, a line of news or a problem, and whether a change needs a code typed into its form now
/// (`AdminConfirmation`).
public struct AdminFrame: Sendable {
    public enum Section: String, CaseIterable, Sendable {
        case people = "/admin/people"
        case apps = "/admin/apps"
        case serviceAccounts = "/admin/service-accounts"
        case features = "/admin/features"

        var label: String {
            switch self {
            case .people: "People"
            case .apps: "Apps"
            case .serviceAccounts: "Service accounts"
            case .features: "Features"
            }
        }
    }

    public let account: AccountFrame
    public let sections: [AccountFrame.Link]
    public let notice: String?
    public let problem: String?
    /// Each change form carries a code field.
    public let needsCode: Bool
    /// Changes are refused until the admin turns on two-step sign-in.
    public let noSecondFactor: Bool
    /// Until when changes need no code.
    public let freshUntil: PageDate?
    public let window: String

    init(signedIn: SignedInSession, current: Section, state: AdminConfirmation.State, windowSeconds: Int, message: AdminMessage) {
        account = AccountFrame(signedIn: signedIn, current: .admin)
        sections = Section.allCases.map { AccountFrame.Link(href: $0.rawValue, label: $0.label, isCurrent: $0 == current) }
        notice = message.notice
        problem = message.problem
        switch state {
        case .fresh(let until):
            (needsCode, noSecondFactor, freshUntil) = (false, false, PageDate(until))
        case .needsCode:
            (needsCode, noSecondFactor, freshUntil) = (true, false, nil)
        case .noSecondFactor:
            (needsCode, noSecondFactor, freshUntil) = (false, true, nil)
        }
        window = Elevation.describe(windowSeconds: windowSeconds)
    }
}

/// What came of the last change, for the page drawn after it, with the response's status.
struct AdminMessage: Sendable {
    var notice: String?
    var problem: String?
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    /// A service account's credentials, shown this once.
    var issued: ServiceAccounts.Issued?

    static let none = AdminMessage()
}
