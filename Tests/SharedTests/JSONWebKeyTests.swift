import Crypto
import Foundation
import Shared
import Testing

/// Public keys as JWKs (RFC 7517, RFC 7518 §6.2): what the auth-server publishes and the resource-server reads.
@Suite("JSONWebKey")
struct JSONWebKeyTests {
    @Test("JSONWebKey(publicKey:kid:).publicKey gives back the same P-256 point")
    func roundTripKeepsThePoint() throws {
        let key = P256.Signing.PrivateKey().publicKey
        let jwk = JSONWebKey(publicKey: key, kid: "kid-1")
        #expect(jwk.kty == "EC")
        #expect(jwk.crv == "P-256")
        #expect(jwk.alg == "ES256")
        #expect(jwk.use == "sig")
        #expect(jwk.kid == "kid-1")
        #expect(Base64URL.decode(jwk.x)?.count == 32)
        #expect(Base64URL.decode(jwk.y)?.count == 32)
        let decoded = try #require(jwk.publicKey)
        #expect(decoded.x963Representation == key.x963Representation)
    }

    @Test("a JWK survives JSON encoding and decoding unchanged")
    func jsonRoundTrip() throws {
        let jwk = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "kid-2")
        let set = JSONWebKeySet(keys: [jwk])
        let decoded = try JSONDecoder().decode(JSONWebKeySet.self, from: JSONEncoder().encode(set))
        #expect(decoded == set)
        #expect(decoded.keys.first?.publicKey?.x963Representation == jwk.publicKey?.x963Representation)
    }

    @Test("a JWK with another kty or crv, or a short x or y, is not a key")
    func malformedJWKIsNotAKey() throws {
        let good = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "kid-3")
        #expect(good.publicKey != nil)

        var wrongCurve = good
        wrongCurve.crv = "P-384"
        #expect(wrongCurve.publicKey == nil)

        var wrongType = good
        wrongType.kty = "RSA"
        #expect(wrongType.publicKey == nil)

        var shortX = good
        shortX.x = Base64URL.encode(try #require(Base64URL.decode(good.x)).dropFirst())
        #expect(shortX.publicKey == nil)

        var shortY = good
        shortY.y = Base64URL.encode(try #require(Base64URL.decode(good.y)).dropLast())
        #expect(shortY.publicKey == nil)

        var notBase64 = good
        notBase64.x = good.x + "="
        #expect(notBase64.publicKey == nil)
    }

    @Test("coordinates of 32 bytes that are not a point on P-256 are not a key")
    func pointOffTheCurveIsNotAKey() {
        var jwk = JSONWebKey(publicKey: P256.Signing.PrivateKey().publicKey, kid: "kid-4")
        jwk.y = Base64URL.encode([UInt8](repeating: 0x01, count: 32))
        #expect(jwk.publicKey == nil)
    }

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
