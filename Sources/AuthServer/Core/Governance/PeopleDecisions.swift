import Foundation
import Shared

/// An administrator's decisions about people, the same from `auth-server admin user` and the admin pages,
/// so both check alike and end the same things. Each is recorded in the ledger in its own transaction, with the
/// admin who decided (`actor`; nil for the command line).
public struct PeopleDecisions: Sendable {
    let storage: any UserStore & GovernanceStore & SecondFactorStore

    public init(storage: any UserStore & GovernanceStore & SecondFactorStore) { self.storage = storage }

    /// Why a decision cannot be made, in words for the person who asked.
    public struct Refusal: Error, Equatable {
        public let message: String
    }

    /// A new person who signs in with `password` (told to them by the admin; they change it on their security page).
    public func add(email: String, role: Role, companyID: String?, password: String, tenant: Tenant, by actor: User?, now: Date) async throws -> User {
        let email = User.normalise(email: email)
        try Self.checkEmail(email)
        let companyID = try Self.company(companyID, for: role)
        if let problem = PasswordRules.lengthProblem(password) { throw Refusal(message: problem.message) }
        let user = User(
            tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: email,
            passwordHash: try await PasswordHasher.offloaded { try PasswordHasher.hash(password) }, role: role, companyID: companyID, createdAt: now)
        do {
            try await storage.insertUser(user, ledger: entry(.personAdded, user, by: actor, detail: Self.describe(role, companyID), at: now))
        } catch AuthStorageError.duplicateEmail {
            throw Refusal(message: "A person with the email \(email) is already here.")
        }
        return user
    }

    /// Another role or company ends every grant the person gave (`UserStore.setUserRole`); the number ended.
    public func setRole(of user: User, to role: Role, companyID: String?, by actor: User?, now: Date) async throws -> Int {
        let companyID = try Self.company(companyID, for: role)
        guard role != user.role || companyID != user.companyID else { throw Refusal(message: "\(user.email) already has that role.") }
        guard
            let ended = try await storage.setUserRole(
                tenantID: user.tenantID, userID: user.id, role: role, companyID: companyID, at: now,
                ledger: entry(.personRoleChanged, user, by: actor, detail: Self.describe(role, companyID), at: now))
        else {
            throw Refusal(message: "\(user.email) is no longer here.")
        }
        return ended
    }

    /// nil leaves it to the role and the tenant (`TenantGovernance.mayConnect`). Apps already connected keep working.
    public func setMayConnect(of user: User, to mayConnect: Bool?, by actor: User?, now: Date) async throws {
        let setting = mayConnect.map { $0 ? "may connect apps" : "may not connect apps" } ?? "as their role and the tenant decide"
        guard
            try await storage.setUserMayConnect(
                tenantID: user.tenantID, userID: user.id, mayConnect: mayConnect,
                ledger: entry(.personMayConnectChanged, user, by: actor, detail: setting, at: now))
        else {
            throw Refusal(message: "\(user.email) is no longer here.")
        }
    }

    /// Ends their sessions and every grant they gave, at once (`UserStore.setUserDisabled`).
    public func disable(_ user: User, by actor: User?, now: Date) async throws {
        guard
            try await storage.setUserDisabled(
                tenantID: user.tenantID, userID: user.id, at: now, ledger: entry(.personDisabled, user, by: actor, at: now))
        else {
            throw Refusal(message: "\(user.email) is already disabled.")
        }
    }

    public func enable(_ user: User, by actor: User?, now: Date) async throws {
        guard
            try await storage.setUserDisabled(
                tenantID: user.tenantID, userID: user.id, at: nil, ledger: entry(.personEnabled, user, by: actor, at: now))
        else {
            throw Refusal(message: "\(user.email) is not disabled.")
        }
    }

    /// For someone who lost their device: their next sign-in needs the password alone and says an admin did this.
    public func resetSecondFactor(of user: User, now: Date) async throws {
        guard try await storage.removeSecondFactor(tenantID: user.tenantID, userID: user.id, at: now, byAdministrator: true) else {
            throw Refusal(message: "\(user.email) has no two-step sign-in to reset.")
        }
    }

    private func entry(_ event: LedgerEvent, _ user: User, by actor: User?, detail: String? = nil, at now: Date) -> LedgerEntry {
        Ledger.decision(event, tenantID: user.tenantID, by: actor, subjectID: user.id, detail: [user.email, detail].compactMap { $0 }.joined(separator: ": "), at: now)
    }

    private static func describe(_ role: Role, _ companyID: String?) -> String {
        companyID.map { "company user of \($0)" } ?? role.rawValue
    }

    /// A plain address (RFC 5321 §4.1.2 dot-atoms, without quoted local parts or address literals, which no sign-in
    /// form needs and which would let markup and spaces in).
    static func checkEmail(_ email: String) throws(Refusal) {
        let localCharacters = Set("!#$%&'*+/=?^_`{|}~.-")
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, email.utf8.count <= AuthPolicy.Pages.maximumEmailLength,
            !parts[0].isEmpty, parts[0].allSatisfy({ $0.isLetter || $0.isNumber || localCharacters.contains($0) }),
            parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            parts[1].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" })
        else { throw Refusal(message: "“\(email)” is not an email address.") }
    }

    /// A company user sees one company's records; staff see every company, so they have none.
    static func company(_ companyID: String?, for role: Role) throws(Refusal) -> String? {
        let companyID = companyID?.trimmingCharacters(in: .whitespaces)
        switch role {
        case .company:
            guard let companyID, !companyID.isEmpty else { throw Refusal(message: "A company user needs the customer id of their company.") }
            guard companyID.utf8.count <= 64, companyID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw Refusal(message: "“\(companyID)” is not a customer id.")
            }
            return companyID
        case .admin, .technician:
            guard companyID?.isEmpty ?? true else { throw Refusal(message: "Only company users belong to one company.") }
            return nil
        }
    }
}
