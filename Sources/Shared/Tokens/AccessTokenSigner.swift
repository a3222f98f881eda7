import Crypto
import Foundation

/// Signs access tokens as compact JWS with ES256 and the RFC 9068 §2.1 header `typ: at+jwt`.
public struct AccessTokenSigner: Sendable {
    public let keyID: String
    private let privateKey: P256.Signing.PrivateKey

    public init(keyID: String, privateKey: P256.Signing.PrivateKey) {
        self.keyID = keyID
        self.privateKey = privateKey
    }

    public func sign(_ claims: AccessTokenClaims) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = try encoder.encode(JWSHeader(alg: "ES256", typ: "at+jwt", kid: keyID))
        let payload = try encoder.encode(claims)
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
