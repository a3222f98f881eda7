/// /account/security: change of password (fields `current_password`, `new_password`, `confirm_password`,
/// `disconnect_apps` (a checkbox, ticked), `csrf_token`, POST /account/security) and the place where MFA
/// enrolment will go.
public struct AccountSecurityPage: Page {
    public static let template = PageTemplate.accountSecurity

    public let account: AccountFrame
    public let minimumPasswordLength = AuthPolicy.Passwords.minimumLength
    public let maximumPasswordLength = AuthPolicy.Passwords.maximumLength
    /// Set after a successful change.
    public let notice: String?
    /// Why the last attempt was refused.
    public let problem: String?

    public init(signedIn: SignedInSession, notice: String? = nil, problem: String? = nil) {
        account = AccountFrame(signedIn: signedIn, current: .security)
        self.notice = notice
        self.problem = problem
    }
}
