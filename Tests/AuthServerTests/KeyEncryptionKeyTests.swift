import Crypto
import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// The key that seals signing keys at rest: from GATEHOUSE_KEK, or a 0600 `kek` file in the data folder.
@Suite("KeyEncryptionKey")
struct KeyEncryptionKeyTests {
    static func bytes(of key: KeyEncryptionKey) -> Data { key.key.withUnsafeBytes { Data($0) } }
    static let loopbackIssuer = "http://127.0.0.1:9000"

    @Test("a public issuer refuses the key generated into the data folder, and says which settings to give instead")
    func publicIssuerNeedsAKeyKeptElsewhere() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for issuer in ["https://acme.example.com", "https://10.0.0.5"] {
            let error = try #require(throws: ConfigurationError.self) {
                try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: issuer)
            }
            #expect(error.setting == "GATEHOUSE_KEK_FILE")
            #expect(error.problem.contains("GATEHOUSE_KEK") && error.problem.contains("copy of the folder"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file(KeyEncryptionKey.fileName)), "nothing generated")
        for issuer in ["http://127.0.0.1:9000", "https://localhost:9443", "http://desk.localhost"] {
            _ = try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: issuer)
        }
    }

    @Test("GATEHOUSE_KEK_FILE: a 0600 file outside the data folder is used; one inside it, missing or open to others is refused")
    func keyFileSetting() throws {
        let data = try TemporaryDirectory()
        let elsewhere = try TemporaryDirectory()
        defer { data.remove(); elsewhere.remove() }
        let raw = Data((0..<32).map { UInt8($0 * 3 & 0xFF) })
        let path = elsewhere.file("kek")
        #expect(FileManager.default.createFile(atPath: path, contents: Data((raw.base64EncodedString() + "\n").utf8), attributes: [.posixPermissions: 0o600]))
        let kek = try KeyEncryptionKey.load(.file(path), dataDirectory: data.path, issuer: "https://acme.example.com")
        #expect(Self.bytes(of: kek) == raw)

        let inside = data.file("my-kek")
        #expect(FileManager.default.createFile(atPath: inside, contents: Data(raw.base64EncodedString().utf8), attributes: [.posixPermissions: 0o600]))
        for refused in [inside, data.path + "/../" + URL(fileURLWithPath: data.path).lastPathComponent + "/my-kek", elsewhere.file("missing")] {
            let error = try #require(throws: ConfigurationError.self) {
                try KeyEncryptionKey.load(.file(refused), dataDirectory: data.path, issuer: "https://acme.example.com")
            }
            #expect(error.setting == "GATEHOUSE_KEK_FILE", "\(refused)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: path)
        let open = try #require(throws: ConfigurationError.self) {
            try KeyEncryptionKey.load(.file(path), dataDirectory: data.path, issuer: "https://acme.example.com")
        }
        #expect(open.problem.contains("chmod 600"))
    }

    @Test("with no GATEHOUSE_KEK a 0600 kek file is created in the data folder and reused on the next load")
    func keyFileIsCreatedAndReused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(KeyEncryptionKey.fileName)
        #expect(!FileManager.default.fileExists(atPath: path))

        let first = try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try permissions(of: path) == 0o600)
        let stored = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Data(base64Encoded: stored) == Self.bytes(of: first))
        #expect(Self.bytes(of: first).count == 32)

        let second = try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        #expect(Self.bytes(of: second) == Self.bytes(of: first))
        let plaintext = Data("signing key bytes".utf8)
        let sealed = try first.seal(plaintext, context: "ctx")
        #expect(try second.open(sealed, context: "ctx") == plaintext)
        #expect(try permissions(of: path) == 0o600, "loading again leaves the mode alone")
    }

    @Test("a configured base64 32-byte key is used, and no key file is written")
    func configuredKeyIsUsed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let raw = Data((0..<32).map { UInt8($0 * 7 & 0xFF) })
        let kek = try KeyEncryptionKey.load(.value(raw.base64EncodedString()), dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        #expect(Self.bytes(of: kek) == raw)
        #expect(!FileManager.default.fileExists(atPath: directory.file(KeyEncryptionKey.fileName)))

        let sealed = try kek.seal(Data("secret".utf8), context: "ctx")
        #expect(try KeyEncryptionKey(key: SymmetricKey(data: raw)).open(sealed, context: "ctx") == Data("secret".utf8))
    }

    @Test("a configured key that is not base64 of exactly 32 bytes is a ConfigurationError naming GATEHOUSE_KEK", arguments: [
        Data(count: 16).base64EncodedString(), Data(count: 31).base64EncodedString(), Data(count: 33).base64EncodedString(),
        Data(count: 64).base64EncodedString(), "not base64!", "",
    ])
    func wrongConfiguredKeyIsRefused(configured: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let error = try #require(throws: ConfigurationError.self) {
            try KeyEncryptionKey.load(.value(configured), dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        }
        #expect(error.setting == "GATEHOUSE_KEK")
        #expect(error.problem.contains("32 bytes"))
        #expect(!FileManager.default.fileExists(atPath: directory.file(KeyEncryptionKey.fileName)), "no fallback to a key file")
    }

    @Test("a key file others can read (mode 0644) is refused")
    func openKeyFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(KeyEncryptionKey.fileName)
        _ = try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(try permissions(of: path) == 0o644)

        let error = try #require(throws: ConfigurationError.self) {
            try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        }
        #expect(error.setting == "GATEHOUSE_DATA_DIR")
        #expect(error.problem.contains(path))
        #expect(error.problem.contains("chmod 600"))
    }

    @Test("a key file that does not hold base64 of 32 bytes is refused, not replaced")
    func corruptKeyFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file(KeyEncryptionKey.fileName)
        let corrupt = Data(Data(count: 16).base64EncodedString().utf8)
        #expect(FileManager.default.createFile(atPath: path, contents: corrupt, attributes: [.posixPermissions: 0o600]))
        let error = try #require(throws: ConfigurationError.self) {
            try KeyEncryptionKey.load(.dataFolder, dataDirectory: directory.path, issuer: Self.loopbackIssuer)
        }
        #expect(error.setting == "GATEHOUSE_DATA_DIR")
        #expect(FileManager.default.contents(atPath: path) == corrupt)
    }

    @Test("a sealed value opens only with its own context (AAD), its own key and unmodified bytes")
    func sealIsBoundToContext() throws {
        let kek = KeyEncryptionKey(key: SymmetricKey(size: .bits256))
        let plaintext = Data("private key".utf8)
        let sealed = try kek.seal(plaintext, context: "gatehouse signing key acme kid-1")
        #expect(try kek.open(sealed, context: "gatehouse signing key acme kid-1") == plaintext)
        #expect(sealed.range(of: plaintext) == nil)

        #expect(throws: (any Error).self) { try kek.open(sealed, context: "gatehouse signing key globex kid-1") }
        #expect(throws: (any Error).self) { try kek.open(sealed, context: "") }
        #expect(throws: (any Error).self) {
            try KeyEncryptionKey(key: SymmetricKey(size: .bits256)).open(sealed, context: "gatehouse signing key acme kid-1")
        }
        var tampered = sealed
        tampered[tampered.count / 2] ^= 0x01
        #expect(throws: (any Error).self) { try kek.open(tampered, context: "gatehouse signing key acme kid-1") }
    }

    @Test("sealing twice gives different bytes (a fresh nonce each time)")
    func sealUsesFreshNonce() throws {
        let kek = KeyEncryptionKey(key: SymmetricKey(size: .bits256))
        let first = try kek.seal(Data("same".utf8), context: "ctx")
        let second = try kek.seal(Data("same".utf8), context: "ctx")
        #expect(first != second)
    }
}
