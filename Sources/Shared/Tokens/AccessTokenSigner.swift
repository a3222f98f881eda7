import Crypto
import Foundation

/// Signs access tokens as compact JWS with ES256 and the RFC 9068 §2.1 header `typ: at+jwt`.
public struct AccessTokenSigner: Sendable {
    public let keyID: String
    private let privateKey: P256.Signing.PrivateKey
    /// The encoded header and its dot, the same for every token of the key.
    private let headerPart: String

    public init(keyID: String, privateKey: P256.Signing.PrivateKey) {
        self.keyID = keyID
        self.privateKey = privateKey
        // Three strings always encode.
        headerPart = Base64URL.encode(try! JSONResponse.encoder.encode(JWSHeader(alg: "ES256", typ: "at+jwt", kid: keyID))) + "."
    }

    public func sign(_ claims: AccessTokenClaims) throws -> String {
        let signingInput = headerPart + Base64URL.encode(claims.jsonObject.bytes)
        let signature = try privateKey.signature(for: Data(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
