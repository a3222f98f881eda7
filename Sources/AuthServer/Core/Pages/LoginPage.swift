/// The sign-in form: `email` (autocomplete username), `password` (current-password), hidden `csrf_token`
/// and `return_to`. A failed attempt shows the same page with the typed email and one message for every way
/// of being wrong.
public struct LoginPage: Page {
    public static let template = PageTemplate.login

    public var csrfToken: String
    public var returnTo: String
    public var email: String
    public var message: String?

    public init(csrfToken: String, returnTo: String, email: String = "", message: String? = nil) {
        self.csrfToken = csrfToken
        self.returnTo = returnTo
        self.email = email
        self.message = message
    }

    /// The one answer to a wrong password and to an unknown email alike.
    public static let failureMessage = "That email and password do not match an account. Check both and try again."
    public static let disabledMessage = "This account has been disabled by an administrator. Ask them to enable it again."

    public static func throttledMessage(retryAfter: Duration) -> String {
        let minutes = max(1, Int((Double(retryAfter.components.seconds) / 60).rounded(.up)))
        return "Too many failed attempts. Try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
    }
}
