import Foundation
import GRDB
import Shared
import Testing

@testable import ResourceServerCore

@Suite("Resource-server settings and storage")
struct SettingsAndStorageTests {
    @Test("Defaults match the README, and AUTH_URL defaults to the issuer")
    func defaults() throws {
        let settings = try ResourceServerSettings.load(environment: ["GATEHOUSE_ISSUER": "https://auth.example.com"])
        #expect(settings.listen == ListenAddress(host: "127.0.0.1", port: 9001))
        #expect(settings.resource == "http://127.0.0.1:9001/mcp")
        #expect(settings.authURL == "https://auth.example.com")
        #expect(settings.maxBodyBytes == 1_048_576)
        #expect(settings.allowedOrigins == ["https://claude.ai", "https://claude.com", "https://chatgpt.com"])
    }

    @Test("A wrong setting is named in the error", arguments: [
        ("GATEHOUSE_MAX_BODY_BYTES", "12"), ("GATEHOUSE_RESOURCE", "http://x/mcp/"), ("GATEHOUSE_AUTH_URL", "nope"),
        ("GATEHOUSE_LOG_FORMAT", "xml"), ("GATEHOUSE_LISTEN", "127.0.0.1"),
    ])
    func wrongSetting(name: String, value: String) {
        #expect(throws: ConfigurationError.self) { try ResourceServerSettings.load(environment: [name: value]) }
        do {
            _ = try ResourceServerSettings.load(environment: [name: value])
        } catch {
            #expect(error.setting == name)
        }
    }

    @Test("Storage runs in WAL mode and the default tenant follows the configuration")
    func storage() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rs-\(UUID().uuidString).sqlite").path
        let storage = try SQLiteResourceStorage(path: path)
        let mode = try await storage.database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
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
