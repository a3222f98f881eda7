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
}
