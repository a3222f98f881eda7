import Crypto
import Foundation
import Shared
import Testing

@testable import ResourceServerCore

/// The auth-server's JWKS as the resource-server reads it.
@Suite("JWKS as the resource-server reads it")
struct LenientJSONWebKeySetTests {
    @Test("LenientJSONWebKeySet keeps the ES256 key and skips an RSA key and a garbage entry")
    func lenientSetSkipsUnusableKeys() throws {
        let key = P256.Signing.PrivateKey().publicKey
        let es256 = String(decoding: try JSONEncoder().encode(JSONWebKey(publicKey: key, kid: "ec-1")), as: UTF8.self)
        let json = """
            {"keys": [
              {"kty": "RSA", "kid": "rsa-1", "alg": "RS256", "use": "sig", "n": "0vx7agoebGcQSuuPiLJXZptN", "e": "AQAB"},
              42,
              {"hello": "world"},
              \(es256)
            ]}
            """
        let set = try JSONDecoder().decode(LenientJSONWebKeySet.self, from: Data(json.utf8))
        #expect(set.keysByID.keys.sorted() == ["ec-1"])
        #expect(set.keysByID["ec-1"]?.x963Representation == key.x963Representation)
    }

    @Test("LenientJSONWebKeySet skips an EC key whose alg is not ES256 or whose point is unusable")
    func lenientSetSkipsWrongAlgorithm() throws {
        var es384 = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "ec-384")
        es384.alg = "ES384"
        var broken = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "ec-broken")
        broken.x = "AAAA"
        let kept = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "ec-kept")
        let data = try JSONEncoder().encode(JSONWebKeySet(keys: [es384, broken, kept]))
        let set = try JSONDecoder().decode(LenientJSONWebKeySet.self, from: data)
        #expect(set.keysByID.keys.sorted() == ["ec-kept"])
    }

    @Test("a document without a keys array is an error, not an empty set")
    func missingKeysIsAnError() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LenientJSONWebKeySet.self, from: Data(#"{"kid":"x"}"#.utf8)) }
    }
}
