import Crypto
import Shared

/// The auth-server's JWKS as the resource-server reads it: keys it cannot use for ES256 are skipped, not
/// fatal, so a key of another kind published beside ours (during a migration, say) breaks nothing.
struct LenientJSONWebKeySet: Decodable, Sendable {
    let keysByID: [String: P256.Signing.PublicKey]

    init(from decoder: any Decoder) throws {
        /// `alg` and `use` are optional in RFC 7517 §4.2, §4.4; when present they must fit ES256 signing.
        struct AnyKey: Decodable {
            var kty, crv, x, y, kid: String?
            var alg, use: String?
        }
        struct Set: Decodable {
            let keys: [Lenient]
        }
        struct Lenient: Decodable {
            let key: AnyKey?
            init(from decoder: any Decoder) throws { key = try? AnyKey(from: decoder) }
        }
        var keys: [String: P256.Signing.PublicKey] = [:]
        for case let candidate? in try Set(from: decoder).keys.map(\.key) {
            guard let kid = candidate.kid, let kty = candidate.kty, let crv = candidate.crv, let x = candidate.x, let y = candidate.y,
                candidate.alg ?? "ES256" == "ES256", candidate.use ?? "sig" == "sig"
            else { continue }
            let jwk = JSONWebKey(kty: kty, crv: crv, x: x, y: y, kid: kid)
            if let key = jwk.publicKey { keys[kid] = key }
        }
        keysByID = keys
    }
}
