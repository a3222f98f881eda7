/// The second step of sign-in for people with MFA: field `code` (one-time-code, numeric keypad) and
/// hidden `csrf_token`.
public struct SecondFactorPage: Page {
    public static let template = PageTemplate.secondFactor

    public var csrfToken: String
    public var message: String?

    public init(csrfToken: String, message: String? = nil) {
        self.csrfToken = csrfToken
        self.message = message
    }

    public static let failureMessage = "That code is not right. Codes change every 30 seconds: try the current one."
}
