import Crypto
import Foundation
import Shared

/// The 256-bit random secret a browser cookie carries (session id, sign-in cookie). The server keeps only its
/// SHA-256, so whoever reads the database cannot present it.
public struct CookieSecret: Sendable, Equatable {
    /// The value as sent in the cookie: 32 random bytes in base64url (43 characters).
    public let value: String

    /// A fresh secret from the system's CSPRNG.
    public init() {
        value = RandomIdentifier.make(bytes: 32)
    }

    /// Accepts only what `init()` makes, so a hostile cookie never reaches the database or the HMAC.
    public init?(cookieValue: String) {
        guard cookieValue.utf8.count == 43, let bytes = Base64URL.decode(cookieValue), bytes.count == 32 else { return nil }
        value = cookieValue
    }

    /// Lower-case hex SHA-256 of the value: the key the stores look it up by.
    public var hash: String {
        Hex.encode(SHA256.hash(data: Data(value.utf8)))
    }
}
