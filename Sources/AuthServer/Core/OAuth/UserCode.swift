import Crypto
import Foundation
import Shared

/// The code a person types at /device to approve a device (RFC 8628 §3.2 `user_code`, §6.1): eight letters from
/// `AuthPolicy.DeviceFlow.userCodeAlphabet`, shown as XXXX-XXXX, read back whatever the case, dashes and spaces.
/// Only its SHA-256 is stored.
public struct UserCode: Sendable, Equatable {
    /// The eight letters, upper case, without the dash.
    public let letters: String

    public static func generate() -> UserCode {
        var generator = SystemRandomNumberGenerator()
        let alphabet = AuthPolicy.DeviceFlow.userCodeAlphabet
        return UserCode(letters: String((0..<AuthPolicy.DeviceFlow.userCodeLength).map { _ in alphabet.randomElement(using: &generator)! }))
    }

    /// What a person typed, or nil when it cannot be a user code (wrong length, a letter the alphabet leaves out).
    public init?(entered: String) {
        guard entered.utf8.count <= 64 else { return nil }
        let letters = entered.uppercased().filter { $0 != "-" && !$0.isWhitespace }
        guard letters.count == AuthPolicy.DeviceFlow.userCodeLength, letters.allSatisfy(AuthPolicy.DeviceFlow.userCodeAlphabet.contains) else {
            return nil
        }
        self.letters = letters
    }

    private init(letters: String) { self.letters = letters }

    /// XXXX-XXXX, as the device shows it.
    public var display: String {
        let middle = letters.index(letters.startIndex, offsetBy: AuthPolicy.DeviceFlow.userCodeLength / 2)
        return letters[..<middle] + "-" + letters[middle...]
    }

    public var hash: String { Base64URL.encode(Array(SHA256.hash(data: Data(letters.utf8)))) }
}
