/// What a newly chosen password must be (policy in `AuthPolicy.Passwords`): long enough, not absurdly long,
/// typed the same twice, and not the old one. No composition rules (NIST SP 800-63B §3.1.1.2). The
/// security page and `auth-server admin user add` both apply it.
public enum PasswordRules {
    public enum Problem: Error, Equatable {
        case tooShort
        case tooLong
        case confirmationDiffers
        case sameAsCurrent

        /// What the security page says.
        public var message: String {
            switch self {
            case .tooShort: "The new password must be at least \(AuthPolicy.Passwords.minimumLength) characters long."
            case .tooLong: "The new password must be at most \(AuthPolicy.Passwords.maximumLength) characters long."
            case .confirmationDiffers: "The new password and its confirmation differ."
            case .sameAsCurrent: "The new password must differ from the current one."
            }
        }
    }

    /// Nil when the new password may be used.
    public static func problem(new: String, confirmation: String, current: String) -> Problem? {
        if let problem = lengthProblem(new) { return problem }
        if new != confirmation { return .confirmationDiffers }
        if new == current { return .sameAsCurrent }
        return nil
    }

    /// The length rule alone, for a password set where there is no confirmation or current one to compare.
    public static func lengthProblem(_ password: String) -> Problem? {
        if password.count < AuthPolicy.Passwords.minimumLength { return .tooShort }
        if password.count > AuthPolicy.Passwords.maximumLength { return .tooLong }
        return nil
    }
}
