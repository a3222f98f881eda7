import Foundation
import GRDB
import Shared

/// A row of `signing_key`: the public key as its JWK's JSON, the private key sealed.
struct SigningKeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "signing_key"

    var tenantID: String
    var kid: String
    var publicJWK: String
    var sealedPrivateKey: Data
    var createdAt: Date
    var retiredAt: Date?
    var publishUntil: Date?

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", kid, publicJWK = "public_jwk", sealedPrivateKey = "sealed_private_key", createdAt = "created_at"
        case retiredAt = "retired_at", publishUntil = "publish_until"
    }

    func model() throws -> StoredSigningKey {
        StoredSigningKey(
            tenantID: tenantID, keyID: kid, publicKey: try JSONDecoder().decode(JSONWebKey.self, from: Data(publicJWK.utf8)),
            sealedPrivateKey: sealedPrivateKey, createdAt: createdAt, retiredAt: retiredAt, publishUntil: publishUntil)
    }
}

extension SigningKeyRow {
    init(_ key: StoredSigningKey) throws {
        self.init(
            tenantID: key.tenantID, kid: key.keyID, publicJWK: String(decoding: try JSONResponse.encoder.encode(key.publicKey), as: UTF8.self),
            sealedPrivateKey: key.sealedPrivateKey, createdAt: key.createdAt, retiredAt: key.retiredAt, publishUntil: key.publishUntil)
    }
}
