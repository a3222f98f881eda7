import Foundation
import Shared
import Testing

/// JWS compact serialisation (RFC 7515 §7.1), the parsing every verifier shares.
@Suite("CompactJWS")
struct CompactJWSTests {
    static func segment(_ text: String) -> String { Base64URL.encode(Data(text.utf8)) }

    @Test("three segments give the header, payload, signature and the signed bytes")
    func parsesThreeSegments() throws {
        let header = Self.segment(#"{"alg":"RS256","kid":"k1","typ":"JWT","x5u":"https://evil.example"}"#)
        let payload = Self.segment(#"{"sub":"a"}"#)
        let token = header + "." + payload + "." + Base64URL.encode([1, 2, 3])
        let jws = try #require(CompactJWS(token))
        #expect(jws.header == JWSHeader(alg: "RS256", typ: "JWT", kid: "k1"))
        #expect(jws.payload == Data(#"{"sub":"a"}"#.utf8))
        #expect(jws.signature == Data([1, 2, 3]))
        #expect(jws.signingInput == header + "." + payload)
    }

    @Test("crit is read so a verifier can refuse it")
    func readsCrit() throws {
        let jws = try #require(CompactJWS(Self.segment(#"{"alg":"ES256","crit":["b64"]}"#) + ".e30."))
        #expect(jws.header.crit == ["b64"])
    }

    @Test("anything but three canonical base64url segments with a JSON header naming alg is refused", arguments: [
        "", ".", "a.b", "e30.e30.e30.e30", "eyJhbGciOiJub25lIn0.e30.AA.", "eyJhbGciOiJub25lIn0.e30=.AA", "eyJhbGciOiJub25lIn0.e30.A+",
        "e30.e30.AA", "eyJhbGciOjF9.e30.AA", "W10.e30.AA", "bm90IGpzb24.e30.AA",
        // "QR" is not canonical: its unused low bits are not zero.
        "eyJhbGciOiJub25lIn0.QR.AA",
    ])
    func refusesMalformed(token: String) {
        #expect(CompactJWS(token) == nil)
    }
}
