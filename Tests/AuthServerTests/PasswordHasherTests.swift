import Testing

@testable import AuthServerCore

/// argon2id password hashes in PHC string form. Hashing is slow on purpose, so this suite hashes three times in all.
@Suite("PasswordHasher")
struct PasswordHasherTests {
    @Test("a hash is argon2id v19 with OWASP's parameters; the right password verifies and a wrong one does not")
    func hashAndVerify() throws {
        let hash = try PasswordHasher.hash("correct horse battery staple")
        #expect(hash.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(hash.hasPrefix("$argon2id$v=19$m=\(AuthPolicy.argon2MemoryKiB),t=\(AuthPolicy.argon2Iterations),p=\(AuthPolicy.argon2Parallelism)$"))
        #expect(!hash.contains("correct horse"))
        #expect(PasswordHasher.verify("correct horse battery staple", against: hash))
        #expect(!PasswordHasher.verify("correct horse battery stapler", against: hash))
        #expect(!PasswordHasher.verify("Correct horse battery staple", against: hash))
        #expect(!PasswordHasher.verify("", against: hash))
    }

    @Test("two hashes of one password differ (random salt), and both verify")
    func saltMakesHashesDiffer() throws {
        let first = try PasswordHasher.hash("hunter2hunter2")
        let second = try PasswordHasher.hash("hunter2hunter2")
        #expect(first != second)
        // PHC form: $argon2id$v=19$params$salt$hash — the salts differ.
        #expect(first.split(separator: "$").dropLast().last != second.split(separator: "$").dropLast().last)
        #expect(PasswordHasher.verify("hunter2hunter2", against: first))
        #expect(PasswordHasher.verify("hunter2hunter2", against: second))
    }

    @Test("verify against something that is not an argon2id hash is false")
    func garbageHashDoesNotVerify() {
        #expect(!PasswordHasher.verify("password", against: ""))
        #expect(!PasswordHasher.verify("password", against: "password"))
        #expect(!PasswordHasher.verify("password", against: "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA"))
    }
}
