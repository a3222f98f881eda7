import Crypto
import Foundation

/// A public EC P-256 key as a JWK (RFC 7517 §4, RFC 7518 §6.2), the only key type we sign with.
public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String
    public var x: String
    public var y: String
    public var kid: String
    public var alg: String
    public var use: String

    public init(publicKey: P256.Signing.PublicKey, kid: String) {
        // x963 form is 0x04 || X (32 bytes) || Y (32 bytes).
        let point = publicKey.x963Representation
        self.kty = "EC"
        self.crv = "P-256"
        self.x = Base64URL.encode(point.dropFirst().prefix(32))
        self.y = Base64URL.encode(point.suffix(32))
        self.kid = kid
        self.alg = "ES256"
        self.use = "sig"
    }

    public init(kty: String, crv: String, x: String, y: String, kid: String) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.y = y
        self.kid = kid
        self.alg = "ES256"
        self.use = "sig"
    }

    /// The key, or nil when this JWK is not a well-formed P-256 signing key.
    public var publicKey: P256.Signing.PublicKey? {
        guard kty == "EC", crv == "P-256", let x = Base64URL.decode(x), let y = Base64URL.decode(y), x.count == 32, y.count == 32
        else { return nil }
        return try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
    }
}

/// A JWK Set (RFC 7517 §5).
public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public var keys: [JSONWebKey]
    public init(keys: [JSONWebKey]) { self.keys = keys }
}
