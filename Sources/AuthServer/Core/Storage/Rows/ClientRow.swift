import Foundation
import GRDB
import Shared

/// A row of `client`. The approval request (`approval_requested_at`, `_by`) is written only by the governance
/// step that asks for it; saving a client leaves it as it is.
struct ClientRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "client"

    var tenantID: String
    var id: String
    var kind: String
    var name: String
    var redirectURIs: String
    var authMethod: String
    var secretHashes: String
    var registrationTokenHash: String?
    var grantTypes: String
    var scope: String?
    var jwksURI: String?
    var jwks: String?
    var registrationFingerprint: String?
    var metadataJSON: String?
    var pinned: Bool
    var createdAt: Date
    var lastUsedAt: Date?
    var approval: String
    var approvalRequestedAt: Date?
    var approvalRequestedBy: String?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", id, kind, name, redirectURIs = "redirect_uris", authMethod = "auth_method", secretHashes = "secret_hashes"
        case registrationTokenHash = "registration_token_hash", grantTypes = "grant_types", scope, jwksURI = "jwks_uri", jwks
        case registrationFingerprint = "registration_fingerprint", metadataJSON = "metadata_json", pinned, createdAt = "created_at"
        case lastUsedAt = "last_used_at", approval, approvalRequestedAt = "approval_requested_at", approvalRequestedBy = "approval_requested_by"
    }

    func model() throws -> Client {
        guard let kind = Client.Kind(rawValue: kind) else { throw AuthStorageError.corruptRow("client.kind") }
        guard let state = ClientApproval.State(rawValue: approval) else { throw AuthStorageError.corruptRow("client.approval") }
        guard let method = ClientAuthMethod(rawValue: authMethod) else { throw AuthStorageError.corruptRow("client.auth_method") }
        return Client(
            tenantID: tenantID, id: id, kind: kind, name: name, redirectURIs: try RowLists.jsonArray(redirectURIs), authMethod: method,
            secretHashes: RowLists.words(secretHashes), registrationTokenHash: registrationTokenHash, grantTypes: try RowLists.jsonArray(grantTypes),
            scope: scope, jwksURI: jwksURI, jwks: jwks, registrationFingerprint: registrationFingerprint, metadataJSON: metadataJSON,
            isPinned: pinned, createdAt: createdAt, lastUsedAt: lastUsedAt,
            approval: ClientApproval(state: state, requestedAt: approvalRequestedAt, requestedBy: approvalRequestedBy))
    }
}

extension ClientRow {
    init(_ client: Client) throws {
        self.init(
            tenantID: client.tenantID, id: client.id, kind: client.kind.rawValue, name: client.name,
            redirectURIs: try RowLists.jsonText(client.redirectURIs), authMethod: client.authMethod.rawValue,
            secretHashes: RowLists.text(client.secretHashes), registrationTokenHash: client.registrationTokenHash,
            grantTypes: try RowLists.jsonText(client.grantTypes), scope: client.scope, jwksURI: client.jwksURI, jwks: client.jwks,
            registrationFingerprint: client.registrationFingerprint, metadataJSON: client.metadataJSON, pinned: client.isPinned,
            createdAt: client.createdAt, lastUsedAt: client.lastUsedAt, approval: client.approval.state.rawValue,
            approvalRequestedAt: client.approval.requestedAt, approvalRequestedBy: client.approval.requestedBy)
    }
}

/// Read column by column (Shared's `Row.value` says why): every token, introspection and revocation request reads its client.
extension ClientRow {
    init(row: Row) throws {
        self.init(
            tenantID: try row.value(CodingKeys.tenantID), id: try row.value(CodingKeys.id), kind: try row.value(CodingKeys.kind),
            name: try row.value(CodingKeys.name), redirectURIs: try row.value(CodingKeys.redirectURIs), authMethod: try row.value(CodingKeys.authMethod),
            secretHashes: try row.value(CodingKeys.secretHashes), registrationTokenHash: try row.value(CodingKeys.registrationTokenHash),
            grantTypes: try row.value(CodingKeys.grantTypes), scope: try row.value(CodingKeys.scope), jwksURI: try row.value(CodingKeys.jwksURI),
            jwks: try row.value(CodingKeys.jwks), registrationFingerprint: try row.value(CodingKeys.registrationFingerprint),
            metadataJSON: try row.value(CodingKeys.metadataJSON), pinned: try row.value(CodingKeys.pinned), createdAt: try row.date(CodingKeys.createdAt),
            lastUsedAt: try row.optionalDate(CodingKeys.lastUsedAt), approval: try row.value(CodingKeys.approval),
            approvalRequestedAt: try row.optionalDate(CodingKeys.approvalRequestedAt), approvalRequestedBy: try row.value(CodingKeys.approvalRequestedBy))
    }
}
