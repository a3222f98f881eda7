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

    /// What a check found. Only the ledger tells the two failures apart; the person signing in sees one answer.
    public enum Outcome: Sendable {
        case matched(User)
        case wrongPassword(User)
        case unknownPerson
    }

    /// The person whose email and password these are, or nil, the same for both ways of being wrong.
    public func check(tenantID: String, email: String, password: String) async throws -> User? {
        guard case .matched(let user) = try await attempt(tenantID: tenantID, email: email, password: password) else { return nil }
        return user
    }

    /// The check, saying which way it failed (for the ledger), with the same work for both.
    public func attempt(tenantID: String, email: String, password: String) async throws -> Outcome {
        let user = try await users.user(tenantID: tenantID, email: email)
        let encoded = user?.passwordHash ?? dummyHash
        let verify = verify
        let matches = try await PasswordHasher.offloaded { verify(password, encoded) }
        guard let user else { return .unknownPerson }
        return matches ? .matched(user) : .wrongPassword(user)
    }

    /// Whether the password is this person's (the current password on a change of password).
    public func isPassword(_ password: String, of user: User) async throws -> Bool {
        let verify = verify
        let encoded = user.passwordHash
        return try await PasswordHasher.offloaded { verify(password, encoded) }
    }
}
