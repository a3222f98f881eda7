/// /account/security: the change of password (fields `current_password`, `new_password`, `confirm_password`,
/// `disconnect_apps` (a checkbox, ticked), `csrf_token`, POST /account/security) and two-step sign-in: turn
/// it on (POST /account/security/two-step/start with the password and `return_to`), or, when it is on, new
/// recovery codes and turning it off (each with a current `code`).
public struct AccountSecurityPage: Page {
    public static let template = PageTemplate.accountSecurity

    public let account: AccountFrame
    public let minimumPasswordLength = AuthPolicy.Passwords.minimumLength
    public let maximumPasswordLength = AuthPolicy.Passwords.maximumLength
    /// Set after a successful change of password.
    public let notice: String?
    /// Why the last change of password was refused.
    public let problem: String?
    /// Whether two-step sign-in is on, and how many recovery codes are left.
    public let twoStep: Bool
    public let recoveryCodesLeft: Int
    public let twoStepNotice: String?
    public let twoStepProblem: String?
    /// The person came from an app's request for high-trust actions, and goes back there after turning it on.
    public let elevationAsked: Bool
    public let returnTo: String

    public init(
        signedIn: SignedInSession, twoStep: TwoStepStatus, notice: String? = nil, problem: String? = nil, twoStepNotice: String? = nil,
        twoStepProblem: String? = nil, returnTo: String = AccountFrame.Section.security.rawValue
    ) {
        account = AccountFrame(signedIn: signedIn, current: .security)
        self.notice = notice
        self.problem = problem
        self.twoStep = twoStep.isOn
        recoveryCodesLeft = twoStep.recoveryCodesLeft
        self.twoStepNotice = twoStepNotice
        self.twoStepProblem = twoStepProblem
        elevationAsked = returnTo != AccountFrame.Section.security.rawValue
        self.returnTo = returnTo
    }

    /// What the page shows of the person's second factor.
    public struct TwoStepStatus: Sendable {
        public let isOn: Bool
        public let recoveryCodesLeft: Int
    }
}
