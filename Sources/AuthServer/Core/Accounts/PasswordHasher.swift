import CArgon2
import Foundation
import NIOPosix

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

    /// Runs argon2id work on NIO's blocking-work pool (one thread per core). Each hash takes tens of
    /// milliseconds and 19 MiB on purpose: on the async threads every request shares it would stall them all,
    /// and an unbounded pool would let a flood of sign-ins claim memory without limit; here hashes queue.
    public static func offloaded<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}

public enum PasswordHasherError: Error {
    case argon2(Int32)
}
