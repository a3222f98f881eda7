import Foundation
import GRDB

/// A row of `browser_session`.
struct BrowserSessionRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "browser_session"

    var tenantID: String
    var idHash: String
    var userID: String
    var createdAt: Date
    var lastSeenAt: Date
    var authTime: Date
    var amr: String

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", idHash = "id_hash", userID = "user_id", createdAt = "created_at", lastSeenAt = "last_seen_at"
        case authTime = "auth_time", amr
    }

    var model: BrowserSession {
        BrowserSession(
            tenantID: tenantID, idHash: idHash, userID: userID, createdAt: createdAt, lastSeenAt: lastSeenAt, authTime: authTime,
            authenticationMethods: RowLists.words(amr))
    }
}

extension BrowserSessionRow {
    init(_ session: BrowserSession) {
        self.init(
            tenantID: session.tenantID, idHash: session.idHash, userID: session.userID, createdAt: session.createdAt,
            lastSeenAt: session.lastSeenAt, authTime: session.authTime, amr: RowLists.text(session.authenticationMethods))
    }
}
