import Foundation
import Shared

/// A person who can sign in. The password is stored only as an argon2id hash.
public struct User: Sendable, Equatable {
    public var tenantID: String
    public var id: String
    /// Lower-cased and trimmed, so `Alice@Example.com ` and `alice@example.com` are one account.
    public var email: String
    public var passwordHash: String
    public var role: Role
    /// For company users: the resource-server's customer id whose records they may see.
    public var companyID: String?
    public var createdAt: Date

    public init(tenantID: String, id: String, email: String, passwordHash: String, role: Role, companyID: String?, createdAt: Date) {
        self.tenantID = tenantID
        self.id = id
        self.email = User.normalise(email: email)
        self.passwordHash = passwordHash
        self.role = role
        self.companyID = companyID
        self.createdAt = createdAt
    }

    public static func normalise(email: String) -> String { email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
}
