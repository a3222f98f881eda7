import Foundation
import PostgresNIO
import Shared

/// Personal access tokens (`PersonalAccessTokenStore`) on PostgreSQL. A token's row is read joined with its grant,
/// whose scopes and revocation are the token's.
extension PostgresAuthStorage {
    public func insertPersonalAccessToken(_ token: PersonalAccessTokenRecord, grant: Grant, ledger: LedgerEntry) async throws {
        try await database.write { write in
            try await Self.saveGrant(write, grant)
            try await Self.insert(write, token)
            try await Self.appendLedger(write, [ledger])
        }
    }

    public func replacePersonalAccessToken(
        _ old: PersonalAccessTokenRecord, with new: PersonalAccessTokenRecord, grant: Grant, at: Date, ledger: LedgerEntry
    ) async throws -> Bool {
        try await database.write { write in
            guard try await Self.revokeGrants(write, tenantID: old.tenantID, grantID: old.grantID, reason: "token regenerated", at: at) == 1 else {
                return false
            }
            try await Self.saveGrant(write, grant)
            try await Self.insert(write, new)
            try await Self.appendLedger(write, [ledger])
            return true
        }
    }

    /// Every introspection of a token reads this, so it has a text of its own, prepared (`preparedRecords`), rather than
    /// `activeTokens`' conditions, whose plan hangs on which of them is given.
    public func personalAccessToken(tenantID: String, tokenHash: String) async throws -> PersonalAccessTokenRecord? {
        try await database.preparedRecords(
            "\(unescaped: Self.tokensWithGrants) WHERE p.tenant_id = \(tenantID) AND p.token_hash = \(tokenHash) AND g.revoked_at IS NULL"
        ).first?.record(PersonalAccessTokenRow.self).model
    }

    public func personalAccessToken(tenantID: String, id: String) async throws -> PersonalAccessTokenRecord? {
        try await database.rows(Self.activeTokens(tenantID: tenantID, id: id)).first?.record(PersonalAccessTokenRow.self).model
    }

    public func personalAccessTokens(tenantID: String, userID: String?) async throws -> [PersonalAccessTokenRecord] {
        try await database.rows(Self.activeTokens(tenantID: tenantID, userID: userID)).map { try $0.record(PersonalAccessTokenRow.self).model }
    }

    public func recordPersonalAccessTokenUse(tenantID: String, id: String, at: Date, address: String?) async throws {
        let due = PersonalAccessTokenRecord.lastUseRecordedBy(at)
        // One conditional UPDATE: callers ask `isUseDue` of the row they read first, and the condition settles a race.
        try await database.rows(
            """
            UPDATE personal_access_token SET last_used_at = \(at), last_used_address = \(address)
            WHERE tenant_id = \(tenantID) AND id = \(id) AND (last_used_at IS NULL OR last_used_at <= \(due))
            """)
    }

    public func elevatePersonalAccessToken(tenantID: String, id: String, at: Date, until: Date) async throws -> Bool {
        try await database.write { write in
            let elevated = try await write.rows(
                """
                UPDATE personal_access_token SET elevated_at = \(at), elevated_until = \(until) WHERE tenant_id = \(tenantID) AND id = \(id)
                AND grant_id IN (SELECT id FROM oauth_grant WHERE tenant_id = \(tenantID) AND revoked_at IS NULL)
                RETURNING grant_id
                """)
            guard elevated.count == 1 else { return false }
            try await Self.appendRevocationEvents(write, tenantID: tenantID, kind: .changed, subjects: [elevated[0].value("grant_id")])
            return true
        }
    }

    /// The tenant's tokens whose grant is active, chosen by `id` or by `userID` (all of the tenant's when neither is
    /// given), newest first.
    private static func activeTokens(tenantID: String, id: String? = nil, userID: String? = nil) -> PostgresQuery {
        """
        \(unescaped: tokensWithGrants) WHERE p.tenant_id = \(tenantID) AND g.revoked_at IS NULL
        AND (\(id)::text IS NULL OR p.id = \(id)::text) AND (\(userID)::text IS NULL OR p.user_id = \(userID)::text)
        ORDER BY p.created_at DESC, p.id COLLATE "C"
        """
    }

    /// A token's row with its grant's scopes, which are the token's.
    private static let tokensWithGrants =
        "SELECT p.*, g.scopes FROM personal_access_token p JOIN oauth_grant g ON g.tenant_id = p.tenant_id AND g.id = p.grant_id"

    private static func insert(_ write: PostgresWrite, _ token: PersonalAccessTokenRecord) async throws {
        let row = PersonalAccessTokenRow(token)
        try await write.rows(
            """
            INSERT INTO personal_access_token (tenant_id, id, grant_id, user_id, token_hash, label, company_id, created_at, expires_at,
                last_used_at, last_used_address, elevated_at, elevated_until)
            VALUES (\(row.tenantID), \(row.id), \(row.grantID), \(row.userID), \(row.tokenHash), \(row.label), \(row.companyID), \(row.createdAt),
                \(row.expiresAt), \(row.lastUsedAt), \(row.lastUsedAddress), \(row.elevatedAt), \(row.elevatedUntil))
            """)
    }
}
