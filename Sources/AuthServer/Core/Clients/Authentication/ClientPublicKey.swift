import Crypto
import CryptoExtras
import Foundation
import Shared

/// One usable key from a client's JWK Set: an RSA (RFC 7518 §6.3), P-256 (RFC 7518 §6.2) or Ed25519
/// (RFC 8037 §2) public key. Which algorithm it may verify is decided by the key, never by the assertion:
/// an RSA key verifies only RS256/PS256, a P-256 key only ES256, and a JWK that names its `alg` only that.
struct ClientPublicKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)
    }

    let keyID: String?
    /// The JWK's own `alg` (RFC 7517 §4.4); when present the key serves that algorithm alone.
    let declaredAlgorithm: String?
    let material: Material

    /// The JWK members we read; anything else in the JWK is ignored.
    struct Members: Decodable {
        var kty: String
        var kid, alg, use: String?
        var keyOps: [String]?
        var crv, x, y, n, e, d: String?

        enum CodingKeys: String, CodingKey {
            case kty, kid, alg, use, keyOps = "key_ops", crv, x, y, n, e, d
        }
    }

    /// Nil for a key we cannot or must not use: an unknown type or curve, bad coordinates, an RSA modulus
    /// under the policy minimum, a key meant for encryption (`use`, `key_ops`), or one that carries its
    /// private part (`d`): a published private key is compromised and proves nothing.
    init?(_ jwk: Members) {
        guard jwk.use ?? "sig" == "sig", jwk.keyOps?.contains("verify") ?? true, jwk.d == nil else { return nil }
        switch (jwk.kty, jwk.crv) {
        case ("RSA", _):
            guard let n = jwk.n.flatMap(Base64URL.decode), let e = jwk.e.flatMap(Base64URL.decode),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= ClientAuthenticationPolicy.minimumRSAKeyBits
            else { return nil }
            material = .rsa(key)
        case ("EC", "P-256"):
            guard let x = jwk.x.flatMap(Base64URL.decode), let y = jwk.y.flatMap(Base64URL.decode), x.count == 32, y.count == 32,
                let key = try? P256.Signing.PublicKey(x963Representation: [0x04] + x + y)
            else { return nil }
            material = .p256(key)
        case ("OKP", "Ed25519"):
            guard let x = jwk.x.flatMap(Base64URL.decode), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else {
                return nil
            }
            material = .ed25519(key)
        default:
            return nil
        }
        keyID = jwk.kid
        declaredAlgorithm = jwk.alg
    }

    /// Whether this key may verify a signature made with `algorithm`.
    func fits(_ algorithm: ClientAssertionAlgorithm) -> Bool {
        if let declaredAlgorithm, declaredAlgorithm != algorithm.rawValue { return false }
        return switch (material, algorithm) {
        case (.rsa, .rs256), (.rsa, .ps256), (.p256, .es256), (.ed25519, .edDSA): true
        default: false
        }
    }

    func isValidSignature(_ signature: Data, for signingInput: Substring, algorithm: ClientAssertionAlgorithm) -> Bool {
        guard fits(algorithm) else { return false }
        let input = Data(signingInput.utf8)
        switch (material, algorithm) {
        case (.rsa(let key), .rs256):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .insecurePKCS1v1_5)
        case (.rsa(let key), .ps256):
            // swift-crypto's PSS uses MGF1 with the message digest and a salt as long as it: RFC 7518 §3.5.
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .PSS)
        case (.p256(let key), .es256):
            // RFC 7518 §3.4: R || S, 32 bytes each, not DER.
            guard let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: input)
        case (.ed25519(let key), .edDSA):
            return key.isValidSignature(signature, for: input)
        default:
            return false
        }
    }
}
