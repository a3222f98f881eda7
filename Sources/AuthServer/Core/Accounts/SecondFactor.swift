/// A second step of sign-in after the password, such as a TOTP code. MFA enrolment comes with its own issue;
/// this is the hook the sign-in pages call, and `NoSecondFactor` is what runs until then.
public protocol SecondFactor: Sendable {
    func isEnrolled(_ user: User) async throws -> Bool
    /// Whether `code` is the person's current code. Called only for enrolled people.
    func verify(_ user: User, code: String) async throws -> Bool
}

/// Nobody has a second factor yet: sign-in ends at the password.
public struct NoSecondFactor: SecondFactor {
    public init() {}
    public func isEnrolled(_ user: User) async throws -> Bool { false }
    public func verify(_ user: User, code: String) async throws -> Bool { false }
}
