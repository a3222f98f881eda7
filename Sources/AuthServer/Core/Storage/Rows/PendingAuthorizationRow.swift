import Foundation
import GRDB

/// A row of `pending_authorization`: a redirect's URI, state and PKCE challenge, or a device code's hash.
struct PendingAuthorizationRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "pending_authorization"

    var tenantID: String
    var idHash: String
    var userID: String
    var clientID: String
    var redirectURI: String?
    var state: String?
    var codeChallenge: String?
    var deviceCodeHash: String?
    var resource: String
    var scopes: String
    var stepUp: Bool
    var expiresAt: Date

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", idHash = "id_hash", userID = "user_id", clientID = "client_id", redirectURI = "redirect_uri", state
        case codeChallenge = "code_challenge", deviceCodeHash = "device_code_hash", resource, scopes, stepUp = "step_up", expiresAt = "expires_at"
    }

    func model() throws -> PendingAuthorization {
        let destination: PendingAuthorization.Destination
        if let deviceCodeHash {
            destination = .device(codeHash: deviceCodeHash)
        } else if let redirectURI, let codeChallenge {
            destination = .redirect(uri: redirectURI, state: state, codeChallenge: codeChallenge)
        } else {
            throw AuthStorageError.corruptRow("pending_authorization destination")
        }
        return PendingAuthorization(
            tenantID: tenantID, idHash: idHash, userID: userID, clientID: clientID, destination: destination, resource: resource,
            scopes: RowLists.words(scopes), stepUp: stepUp, expiresAt: expiresAt)
    }
}

extension PendingAuthorizationRow {
    init(_ pending: PendingAuthorization) {
        var redirect: (uri: String?, state: String?, codeChallenge: String?) = (nil, nil, nil)
        var deviceCodeHash: String?
        switch pending.destination {
        case .redirect(let uri, let state, let codeChallenge): redirect = (uri, state, codeChallenge)
        case .device(let codeHash): deviceCodeHash = codeHash
        }
        self.init(
            tenantID: pending.tenantID, idHash: pending.idHash, userID: pending.userID, clientID: pending.clientID, redirectURI: redirect.uri,
            state: redirect.state, codeChallenge: redirect.codeChallenge, deviceCodeHash: deviceCodeHash, resource: pending.resource,
            scopes: RowLists.text(pending.scopes), stepUp: pending.stepUp, expiresAt: pending.expiresAt)
    }
}
