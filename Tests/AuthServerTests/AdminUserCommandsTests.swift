import ArgumentParser
import Testing

@testable import AuthServerCore

/// `auth-server admin user add` holds passwords to the rule the security page applies.
@Suite("Admin user commands")
struct AdminUserCommandsTests {
    @Test("the CLI takes exactly the lengths PasswordRules takes, at both bounds")
    func passwordLength() throws {
        let minimum = AuthPolicy.Passwords.minimumLength
        let maximum = AuthPolicy.Passwords.maximumLength
        for length in [0, 1, minimum - 1, minimum, minimum + 1, maximum - 1, maximum, maximum + 1, 10 * maximum] {
            let password = String(repeating: "é", count: length)
            let expected = PasswordRules.lengthProblem(password)
            do {
                #expect(try UserCommands.Add.acceptedPassword(password) == password)
                #expect(expected == nil, "\(length) characters were accepted")
            } catch {
                #expect(error.message == expected?.message, "\(length) characters")
            }
        }
        #expect(PasswordRules.lengthProblem(String(repeating: "x", count: minimum - 1)) == .tooShort)
        #expect(PasswordRules.lengthProblem(String(repeating: "x", count: maximum + 1)) == .tooLong)
        #expect(PasswordRules.lengthProblem(String(repeating: "x", count: minimum)) == nil)
    }

    @Test("the security page's full check starts with the same length rule")
    func sameRuleOnThePage() {
        let short = String(repeating: "x", count: AuthPolicy.Passwords.minimumLength - 1)
        #expect(PasswordRules.problem(new: short, confirmation: short, current: "old password") == PasswordRules.lengthProblem(short))
    }
}
