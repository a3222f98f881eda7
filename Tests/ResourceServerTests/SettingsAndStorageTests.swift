import Foundation
import GRDB
import Shared
import TestSupport
import Testing

@testable import ResourceServerCore

@Suite("Resource-server settings and storage")
struct SettingsAndStorageTests {
    static let credentials = ["GATEHOUSE_RS_CLIENT_ID": "gatehouse-resource-server", "GATEHOUSE_RS_CLIENT_SECRET": "gatehouse_cs_x"]

    @Test("Defaults match the README, and AUTH_URL defaults to the issuer")
    func defaults() throws {
        let settings = try ResourceServerSettings.load(environment: ["GATEHOUSE_ISSUER": "https://auth.example.com"])
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 9001))
        #expect(settings.resource == "http://127.0.0.1:9001/mcp")
        #expect(settings.authURL == "https://auth.example.com")
        #expect(settings.maxBodyBytes == 1_048_576)
        #expect(settings.allowedOrigins == ["https://claude.ai", "https://claude.com", "https://chatgpt.com"])
    }

    @Test("GATEHOUSE_DATABASE_URL selects PostgreSQL; without it the data stays in SQLite; the password never shows in its description")
    func databaseURL() throws {
        #expect(try ResourceServerSettings.load(environment: [:]).database == nil)
        let settings = try ResourceServerSettings.load(environment: ["GATEHOUSE_DATABASE_URL": "postgres://desk:s3cret-pw@db.example.com:5433/gatehouse"])
        let location = try #require(settings.database)
        #expect(location.redacted == "postgres://desk@db.example.com:5433/gatehouse" && !location.redacted.contains("s3cret-pw"))
        #expect(location.connections == 20)
    }

    @Test("GATEHOUSE_DATABASE_CONNECTIONS sizes the pool, from 2 to 500", arguments: [("5", 5 as Int?), ("500", 500), ("1", nil), ("501", nil), ("many", nil)])
    func databaseConnections(value: String, expected: Int?) throws {
        let environment = ["GATEHOUSE_DATABASE_URL": "postgres://desk@db.example.com/gatehouse", "GATEHOUSE_DATABASE_CONNECTIONS": value]
        if let expected {
            #expect(try ResourceServerSettings.load(environment: environment).database?.connections == expected)
        } else {
            let error = #expect(throws: ConfigurationError.self) { try ResourceServerSettings.load(environment: environment) }
            #expect(error?.setting == "GATEHOUSE_DATABASE_CONNECTIONS")
        }
    }

    @Test("A wrong setting is named in the error", arguments: [
        ("GATEHOUSE_MAX_BODY_BYTES", "12"), ("GATEHOUSE_RESOURCE", "http://x/mcp/"), ("GATEHOUSE_AUTH_URL", "nope"),
        ("GATEHOUSE_LOG_FORMAT", "xml"), ("GATEHOUSE_LISTEN", "127.0.0.1"), ("GATEHOUSE_DATABASE_URL", "mysql://db/gatehouse"),
    ])
    func wrongSetting(name: String, value: String) {
        #expect(throws: ConfigurationError.self) { try ResourceServerSettings.load(environment: [name: value]) }
        do {
            _ = try ResourceServerSettings.load(environment: [name: value])
        } catch {
            #expect(error.setting == name)
        }
    }

    @Test("The credentials for the auth-server's internal endpoints: from the two settings, else from the file the auth-server wrote")
    func credentials() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rs-creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fromSettings = try ResourceServerSettings.load(environment: Self.credentials.merging(["GATEHOUSE_DATA_DIR": folder]) { $1 })
        #expect(fromSettings.credentials == ResourceServerCredentials(clientID: "gatehouse-resource-server", clientSecret: "gatehouse_cs_x"))

        #expect(try ResourceServerSettings.load(environment: ["GATEHOUSE_DATA_DIR": folder]).credentials == nil, "the admin commands need none")
        let missing = ResourceServerCredentials.missing(dataDirectory: folder)
        #expect(missing.setting == "GATEHOUSE_RS_CLIENT_SECRET" && missing.problem.contains("start the auth-server"))
        let half = try #require(throws: ConfigurationError.self) {
            try ResourceServerSettings.load(environment: ["GATEHOUSE_DATA_DIR": folder, "GATEHOUSE_RS_CLIENT_ID": "x"])
        }
        #expect(half.setting == "GATEHOUSE_RS_CLIENT_SECRET")

        let written = ResourceServerCredentials(clientID: "gatehouse-resource-server", clientSecret: "gatehouse_cs_from_file")
        let path = (folder as NSString).appendingPathComponent(ResourceServerCredentials.fileName)
        #expect(try SecretFile.create(path, contents: written.fileContents, setting: "test"))
        #expect(try ResourceServerSettings.load(environment: ["GATEHOUSE_DATA_DIR": folder]).credentials == written)
        // Basic with each part form-encoded, as RFC 6749 §2.3.1 has it.
        let odd = ResourceServerCredentials(clientID: "a:b", clientSecret: "c d")
        #expect(odd.authorization == "Basic " + Data("a%3Ab:c%20d".utf8).base64EncodedString())
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: ConfigurationError.self) { try ResourceServerSettings.load(environment: ["GATEHOUSE_DATA_DIR": folder]) }
    }

    @Test("Storage runs in WAL mode and the default tenant follows the configuration")
    func storage() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString).sqlite").path
        let storage = try SQLiteResourceStorage(path: path)
        // synchronous 1 is NORMAL; searches read the file mapped, on the short readers and GRDB's alike.
        let names = ["journal_mode", "synchronous", "mmap_size"]
        #expect(try await storage.database.isolatedRead { db in try sqliteSettings(names, of: db) } == "journal_mode=wal synchronous=1 mmap_size=\(1 << 30)")
        #expect(try await storage.database.isolatedLongRead { db in try sqliteSettings(names, of: db) } == "journal_mode=wal synchronous=1 mmap_size=\(1 << 30)")
        try await storage.saveTenant(Tenant(id: "default", issuer: "https://a", resource: "https://a/mcp"))
        try await storage.saveTenant(Tenant(id: "default", issuer: "https://b", resource: "https://b/mcp"))
        #expect(try await storage.allTenants() == [Tenant(id: "default", issuer: "https://b", resource: "https://b/mcp")])
        let reopened = try SQLiteResourceStorage(path: path)
        #expect(try await reopened.allTenants().count == 1)
    }

    @Test("RFC 9728 §3.1: the metadata URL puts the well-known segment before the resource path")
    func metadataURL() {
        #expect(ProtectedResourceMetadataLocation.url(forResource: "https://a.example/mcp") == "https://a.example/.well-known/oauth-protected-resource/mcp")
        #expect(
            ProtectedResourceMetadataLocation.url(forResource: "http://127.0.0.1:9001/t/mcp")
                == "http://127.0.0.1:9001/.well-known/oauth-protected-resource/t/mcp")
    }
}
