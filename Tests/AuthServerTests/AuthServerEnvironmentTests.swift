import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// First start and later starts of the auth-server's data folder.
@Suite("AuthServerEnvironment")
struct AuthServerEnvironmentTests {
    /// A key-encryption key as GATEHOUSE_KEK gives it: a public issuer may not keep one in the data folder.
    static let testKEK = KeyEncryptionKey.Source.value(Data((0..<32).map { UInt8($0) }).base64EncodedString())

    static func settings(_ directory: TemporaryDirectory, issuer: String = "https://acme.example.com") -> AuthServerSettings {
        AuthServerSettings(
            listen: .init(host: "127.0.0.1", port: 0), issuer: issuer, resource: issuer + "/mcp", dataDirectory: directory.path,
            keyEncryptionKey: LoopbackHost.contains(URLComponents(string: issuer)?.host ?? "") ? .dataFolder : testKEK)
    }

    @Test("first start creates a 0700 data folder, a 0600 key file (loopback only), the database, the default tenant and one key")
    func firstStart() async throws {
        let loopback = try TemporaryDirectory(creating: false)
        defer { loopback.remove() }
        _ = try await AuthServerEnvironment.open(Self.settings(loopback, issuer: "http://127.0.0.1:9000"), reconcile: true)
        #expect(try permissions(of: loopback.file(KeyEncryptionKey.fileName)) == 0o600)

        let directory = try TemporaryDirectory(creating: false)
        defer { directory.remove() }
        let environment = try await AuthServerEnvironment.open(Self.settings(directory), reconcile: true)
        #expect(try permissions(of: directory.path) == 0o700)
        #expect(!FileManager.default.fileExists(atPath: directory.file(KeyEncryptionKey.fileName)), "GATEHOUSE_KEK given: no key file")
        #expect(FileManager.default.fileExists(atPath: directory.file(AuthServerEnvironment.databaseFileName)))
        #expect(try await environment.storage.allTenants()
            == [Tenant(id: Tenant.defaultID, issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp")])
        #expect(try await environment.storage.signingKeys(tenantID: Tenant.defaultID).count == 1)
        #expect(try await environment.tenant().id == Tenant.defaultID)
        await #expect(throws: ConfigurationError.self) { try await environment.tenant(id: "nope") }
    }

    @Test("a second start reuses the key file and the signing key, and takes over a changed issuer")
    func secondStart() async throws {
        let directory = try TemporaryDirectory(creating: false)
        defer { directory.remove() }
        let first = try await AuthServerEnvironment.open(Self.settings(directory, issuer: "http://127.0.0.1:9000"), reconcile: true)
        let firstKeyID = try await first.keyRing.activeSigner(tenantID: Tenant.defaultID).keyID

        // An admin command run with other settings uses the tenant as stored…
        let admin = try await AuthServerEnvironment.open(Self.settings(directory, issuer: "http://localhost:9000"), reconcile: false)
        #expect(try await admin.tenant().issuer == (try await first.tenant().issuer))
        // …while the server takes over a changed issuer.
        let second = try await AuthServerEnvironment.open(Self.settings(directory, issuer: "http://auth.acme.localhost"), reconcile: true)
        // Opening the sealed key proves the same key-encryption key was loaded from the file.
        #expect(try await second.keyRing.activeSigner(tenantID: Tenant.defaultID).keyID == firstKeyID)
        #expect(try await second.storage.signingKeys(tenantID: Tenant.defaultID).count == 1)
        #expect(try await second.tenant().issuer == "http://auth.acme.localhost")
        #expect(try await second.tenant().resource == "http://auth.acme.localhost/mcp")
    }

    @Test("a data folder path that is a file is a ConfigurationError naming GATEHOUSE_DATA_DIR")
    func dataDirectoryThatIsAFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("not-a-folder")
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let settings = AuthServerSettings(
            listen: .init(host: "127.0.0.1", port: 0), issuer: "https://acme.example.com", resource: "https://acme.example.com/mcp",
            dataDirectory: file)
        let error = await #expect(throws: ConfigurationError.self) { try await AuthServerEnvironment.open(settings, reconcile: true) }
        #expect(error?.setting == "GATEHOUSE_DATA_DIR")
    }
}
