import Crypto
import Foundation
import Shared

/// Single-use codes for the day the authenticator app is gone: ten, shown once when two-step sign-in is turned
/// on (or renewed), kept only as SHA-256. Each is 16 characters from 31 that cannot be mistaken for one another
/// (no 0/O, 1/I/L), about 79 bits, written in groups of four; typed in any case, with or without dashes and
/// spaces. With that much entropy a fast hash suffices: nobody can search 2^79 codes from a stolen database.
enum RecoveryCode {
    static let count = 10
    static let length = 16
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ".utf8)

    static func generate() -> [String] {
        (0..<count).map { _ in
            var generator = SystemRandomNumberGenerator()
            let characters = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            return stride(from: 0, to: length, by: 4).map { String(decoding: characters[$0..<$0 + 4], as: UTF8.self) }.joined(separator: "-")
        }
    }

    /// The code as typed, without case, dashes or spaces; nil when it cannot be a recovery code.
    static func normalised(_ typed: String) -> String? {
        let characters = typed.uppercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") }
        guard characters.count == length, characters.allSatisfy(alphabet.contains) else { return nil }
        return String(decoding: characters, as: UTF8.self)
    }

    static func hash(_ normalised: String) -> String { Base64URL.encode(SHA256.hash(data: Data(normalised.utf8))) }
}
