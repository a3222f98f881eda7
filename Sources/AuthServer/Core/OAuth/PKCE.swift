import Crypto
import Foundation
import Shared

/// RFC 7636 with the only method OAuth 2.1 §4.1.1 and MCP allow: S256 (MCP authorization spec (2025-11-25)
/// § Authorization Code Protection). `plain` is refused.
public enum PKCE {
    /// §4.2: BASE64URL(SHA256(verifier)) is always 43 characters.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        challenge.utf8.count == 43 && Base64URL.decode(challenge) != nil
    }

    /// §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
    public static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count)
            && verifier.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                    true
                default: false
                }
            }
    }

    /// §4.6: compares in constant time, so the comparison leaks nothing about the stored challenge.
    public static func verify(verifier: String, challenge: String) -> Bool {
        guard isValidVerifier(verifier) else { return false }
        let computed = Base64URL.encode(Array(SHA256.hash(data: Data(verifier.utf8))))
        return ConstantTime.equals(computed.utf8, challenge.utf8)
    }
}
