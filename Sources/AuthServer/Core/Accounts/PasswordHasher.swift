import CArgon2
import Foundation

/// argon2id password hashing through the reference libargon2, in its encoded (PHC string) form, which
/// carries its own parameters and salt so they can be raised later without breaking old hashes.
public enum PasswordHasher {
    public static func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let passwordBytes = Array(password.utf8)
        let encodedLength = argon2_encodedlen(
            AuthPolicy.argon2Iterations, AuthPolicy.argon2MemoryKiB, AuthPolicy.argon2Parallelism, UInt32(salt.count), 32, Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let status = argon2id_hash_encoded(
            AuthPolicy.argon2Iterations, AuthPolicy.argon2MemoryKiB, AuthPolicy.argon2Parallelism,
            passwordBytes, passwordBytes.count, salt, salt.count, 32, &encoded, encodedLength
        )
        guard status == ARGON2_OK.rawValue else { throw PasswordHasherError.argon2(status) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func verify(_ password: String, against encoded: String) -> Bool {
        let passwordBytes = Array(password.utf8)
        return argon2id_verify(encoded, passwordBytes, passwordBytes.count) == ARGON2_OK.rawValue
    }
}

public enum PasswordHasherError: Error {
    case argon2(Int32)
}
