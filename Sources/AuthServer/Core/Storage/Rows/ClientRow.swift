import Foundation
import GRDB

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
