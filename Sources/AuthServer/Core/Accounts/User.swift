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
    /// Set by an administrator: the person cannot sign in, and every grant they gave ended when it was set.
    public var disabledAt: Date?
    /// Set by an administrator; nil leaves it to the role and the tenant (`TenantGovernance.mayConnect`).
    public var mayConnect: Bool?

    public init(
        tenantID: String, id: String, email: String, passwordHash: String, role: Role, companyID: String?, createdAt: Date, disabledAt: Date? = nil,
        mayConnect: Bool? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.email = User.normalise(email: email)
        self.passwordHash = passwordHash
        self.role = role
        self.companyID = companyID
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.mayConnect = mayConnect
    }

    public var isDisabled: Bool { disabledAt != nil }

    /// Trimmed and in small letters. Every person read from the store passes through here already in that form,
    /// so printable ASCII without capitals is kept as it is: Foundation's trimming was 2% of an introspection.
    public static func normalise(email: String) -> String {
        if email.utf8.allSatisfy({ 0x21...0x7E ~= $0 && !(0x41...0x5A ~= $0) }) { return email }
        return email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
