import Foundation
import GRDB
import Shared

/// A row of the people table (`user` on SQLite, `person` on PostgreSQL, where `user` is a reserved word).
struct UserRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "user"

    var tenantID: String
    var id: String
    var email: String
    var passwordHash: String
    var role: String
    var companyID: String?
    var createdAt: Date
    var disabledAt: Date?
    var mayConnect: Bool?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, email, passwordHash = "password_hash", role, companyID = "company_id", createdAt = "created_at"
        case disabledAt = "disabled_at", mayConnect = "may_connect"
    }

    func model() throws -> User {
        // An unknown role is a corrupt row: refuse it rather than guess a level of access.
        guard let role = Role(rawValue: role) else { throw AuthStorageError.corruptRow("user.role") }
        return User(
            tenantID: tenantID, id: id, email: email, passwordHash: passwordHash, role: role, companyID: companyID, createdAt: createdAt,
            disabledAt: disabledAt, mayConnect: mayConnect)
    }
}

extension UserRow {
    init(_ user: User) {
        self.init(
            tenantID: user.tenantID, id: user.id, email: user.email, passwordHash: user.passwordHash, role: user.role.rawValue,
            companyID: user.companyID, createdAt: user.createdAt, disabledAt: user.disabledAt, mayConnect: user.mayConnect)
    }
}

/// Read column by column (Shared's `Row.value` says why): introspection and every grant read their person.
extension UserRow {
    init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), email: try row.value(CodingKeys.email),
            passwordHash: try row.value(CodingKeys.passwordHash), role: try row.value(CodingKeys.role), companyID: try row.value(CodingKeys.companyID),
            createdAt: try row.date(CodingKeys.createdAt), disabledAt: try row.optionalDate(CodingKeys.disabledAt), mayConnect: try row.value(CodingKeys.mayConnect))
    }
}
