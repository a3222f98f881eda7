import Foundation
import Shared
import Testing

/// Base64url without padding (RFC 4648 §5), as JOSE uses it (RFC 7515 §2).
@Suite("Base64URL")
struct Base64URLTests {
    @Test("decode refuses characters of standard base64 and padding", arguments: ["a+bc", "a/bc", "QQ==", "QQ=", "+/+/", "ab c", "ab\ncd"])
    func refusesNonURLAlphabet(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("decode refuses a length that leaves one character over (length % 4 == 1)", arguments: ["A", "QUJDR", "QUJDRAAAA"])
    func refusesImpossibleLength(text: String) {
        #expect(text.count % 4 == 1)
        #expect(Base64URL.decode(text) == nil)
    }

    @Test("the URL-safe characters - and _ decode to the bytes + and / stand for")
    func decodesURLSafeCharacters() {
        #expect(Base64URL.decode("-_8") == Data([0xFB, 0xFF]))
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
    }

    @Test("encode then decode gives the bytes back for every length from 0 to 40, with no + / =")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("+") && !encoded.contains("/") && !encoded.contains("="))
            #expect(encoded.count % 4 != 1)
            #expect(Base64URL.decode(encoded) == Data(bytes), "length \(length)")
        }
    }

    @Test("encode agrees with Foundation's base64, in the URL alphabet without padding, for every length up to 64")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...64 {
            let bytes = (0..<length).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == expected, "length \(length)")
        }
    }
}
