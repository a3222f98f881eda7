/// A value that one template renders into a whole page. Templates read the value's stored properties by
/// name (swift-mustache reflects them), so page values hold what is shown, already in words; computed
/// properties are invisible to templates.
public protocol Page: Sendable {
    static var template: PageTemplate { get }
}

/// The templates under Pages/Templates, by file name. `PageRenderer` checks at start that each one is there
/// and parses, so a broken template stops the server instead of failing one request.
public enum PageTemplate: String, CaseIterable, Sendable {
    /// The frame every page inherits: head, stylesheet, header with the account navigation, footer.
    case layout
    case login
    case secondFactor = "second-factor"
    case consent
    case device
    case error
    case account
    case accountApps = "account-apps"
    case accountTokens = "account-tokens"
    case accountSecurity = "account-security"
    case twoStepEnrolment = "two-step-enrolment"
    case recoveryCodes = "recovery-codes"
    case secondFactorResetNotice = "second-factor-reset-notice"
    case accountConnect = "account-connect"
    case tools
    /// Partials every admin page includes: its frame, and the code field of a change form.
    case adminFrame = "admin-frame"
    case adminCode = "admin-code"
    case adminPeople = "admin-people"
    case adminPerson = "admin-person"
    case adminApps = "admin-apps"
    case adminFeatures = "admin-features"
    case adminGrant = "admin-grant"
    /// A partial: a person's or a grant's activity across both servers.
    case adminTimeline = "admin-timeline"
    case adminServiceAccounts = "admin-service-accounts"
}
