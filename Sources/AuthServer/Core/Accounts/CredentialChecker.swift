import Foundation
import Shared

/// Checks an email and password so that a wrong password and an unknown email look the same from outside:
/// same answer (nil) and the same work, because an unknown email is verified against a dummy argon2id hash
/// made once at start with the current parameters, as a real one would be.
public struct CredentialChecker: Sendable {
    public typealias Verify = @Sendable (_ password: String, _ encodedHash: String) -> Bool

    let users: any UserStore
    let verify: Verify
    let dummyHash: String

    /// - Parameter verify: the password check; tests pass a spy around `PasswordHasher.verify`.
    public init(users: any UserStore, verify: @escaping Verify = PasswordHasher.verify) throws {
        self.users = users
        self.verify = verify
        dummyHash = try PasswordHasher.hash(RandomIdentifier.make(bytes: 32))
    }

    /// The person whose email and password these are, or nil, the same for both ways of being wrong.
    public func check(tenantID: String, email: String, password: String) async throws -> User? {
        let user = try await users.user(tenantID: tenantID, email: email)
        let encoded = user?.passwordHash ?? dummyHash
        let verify = verify
        let matches = try await PasswordHasher.offloaded { verify(password, encoded) }
        return matches ? user : nil
    }

    /// Whether the password is this person's (the current password on a change of password).
    public func isPassword(_ password: String, of user: User) async throws -> Bool {
        let verify = verify
        let encoded = user.passwordHash
        return try await PasswordHasher.offloaded { verify(password, encoded) }
    }
}
