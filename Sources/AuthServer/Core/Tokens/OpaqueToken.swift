import Crypto
import Foundation
import Shared

/// The auth-server's opaque secrets (refresh tokens, authorization codes, device codes, registration access
/// tokens, pending-consent ids): a recognisable prefix, so secret scanners and logs can tell them apart, and
/// 256 bits of CSPRNG output. Only their SHA-256 is ever stored.
public struct OpaqueToken: Sendable {
    public enum Kind: String, Sendable {
        case refreshToken = "gatehouse_rt_"
        case authorizationCode = "gatehouse_ac_"
        case deviceCode = "gatehouse_dc_"
        case registrationAccessToken = "gatehouse_rat_"
        case consentRequest = "gatehouse_cr_"
    }

    public let value: String

    public static func make(_ kind: Kind) -> OpaqueToken {
        OpaqueToken(value: kind.rawValue + RandomIdentifier.make(bytes: 32))
    }

    public var hash: String { Self.hash(value) }

    /// What the store keys a presented token by. Hashing whatever was presented, prefix or not, means a
    /// lookup never needs the token's shape to be right first.
    public static func hash(_ presented: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Data(presented.utf8))))
    }
}
