import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// The pinned-document folder and its two settings (CIMD draft § Pre-Registering Client ID Metadata Document URLs).
@Suite("Pinned client metadata documents")
struct PinnedClientMetadataDocumentsTests {
    /// Deploy/cimd-pinned in this checkout, found from this file's path rather than the working directory.
    static let shippedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy/cimd-pinned").path

    static func error(_ body: () throws -> Void) -> ConfigurationError? {
        do {
            try body()
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("not a ConfigurationError: \(error)")
            return nil
        }
    }

    static func write(_ text: String, to file: String) {
        #expect(FileManager.default.createFile(atPath: file, contents: Data(text.utf8)))
    }

    @Test("the shipped copies of Claude's, Claude Code's and ChatGPT's documents all load and validate")
    func shippedDocuments() throws {
        let pinned = try PinnedClientMetadataDocuments.load(.configured(Self.shippedFolder), allowLoopbackHTTP: false)
        #expect(pinned.documents.keys.sorted() == [
            "https://chatgpt.com/oauth/client.json",
            "https://claude.ai/oauth/claude-code-client-metadata",
            "https://claude.ai/oauth/mcp-oauth-client-metadata",
        ])
        let claude = try #require(pinned.documents["https://claude.ai/oauth/mcp-oauth-client-metadata"])
        #expect(claude.clientName == "Claude")
        #expect(claude.tokenEndpointAuthMethod == .none)
        #expect(claude.redirectURIs == ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"])
        let claudeCode = try #require(pinned.documents["https://claude.ai/oauth/claude-code-client-metadata"])
        #expect(claudeCode.redirectURIs == ["http://localhost/callback", "http://127.0.0.1/callback"])
        #expect(claudeCode.tokenEndpointAuthMethod == .none)
        let chatGPT = try #require(pinned.documents["https://chatgpt.com/oauth/client.json"])
        #expect(chatGPT.tokenEndpointAuthMethod == .privateKeyJWT)
        #expect(chatGPT.redirectURIs == ["https://chatgpt.com/connector/oauth/", "https://chatgpt.com/connector_platform_oauth_redirect"])
        #expect(chatGPT.tokenEndpointAuthSigningAlgorithm == "RS256")
        #expect(chatGPT.jwksURI == URL(string: "https://chatgpt.com/oauth/jwks.json"))
        for document in pinned.documents.values {
            #expect(CIMDClientIdentifier.classify(document.clientID, allowLoopbackHTTP: false) == .metadataDocument)
        }
    }

    @Test("the shipped folder is optional, a configured one is not, and the empty setting pins nothing")
    func folders() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let missing = directory.file("missing")
        #expect(try PinnedClientMetadataDocuments.load(.shipped, allowLoopbackHTTP: false, shippedPath: missing).documents.isEmpty)
        #expect(try PinnedClientMetadataDocuments.load(.shipped, allowLoopbackHTTP: false, shippedPath: Self.shippedFolder).documents.count == 3)
        #expect(try PinnedClientMetadataDocuments.load(.disabled, allowLoopbackHTTP: false).documents.isEmpty)
        let error = Self.error { _ = try PinnedClientMetadataDocuments.load(.configured(missing), allowLoopbackHTTP: false) }
        #expect(error?.setting == "GATEHOUSE_CIMD_PINNED_DIR")
        #expect(error?.problem.contains(missing) == true)
    }

    @Test("a bad file stops the start with its name and what is wrong; other files are ignored")
    func badFiles() throws {
        let good = #"{"client_id":"https://tests.example/client.json","client_name":"Test","redirect_uris":["http://127.0.0.1/callback"]}"#
        let cases: [(String, String)] = [
            ("{not json", "is not a JSON object"),
            (#"{"client_id":"https://tests.example/c.json","client_name":"T","redirect_uris":["https://t.example/cb"],"client_secret":"s"}"#, "client_secret"),
            (#"{"client_id":"https://tests.example/c.json","redirect_uris":["https://t.example/cb"]}"#, "has no client_name"),
            (#"{"client_id":"tests-client","client_name":"T","redirect_uris":["https://t.example/cb"]}"#, "not a URL"),
            (#"{"client_id":"https://tests.example/","client_name":"T","redirect_uris":["https://t.example/cb"]}"#, "has no path"),
            (good, "pins 'https://tests.example/client.json', which"),
        ]
        for (text, expected) in cases {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            Self.write(good, to: directory.file("a-good.json"))
            Self.write("not a document", to: directory.file("README.md"))
            Self.write(text, to: directory.file("b-bad.json"))
            let error = Self.error { _ = try PinnedClientMetadataDocuments.load(.configured(directory.path), allowLoopbackHTTP: false) }
            #expect(error?.setting == "GATEHOUSE_CIMD_PINNED_DIR")
            #expect(error?.problem.contains("b-bad.json") == true, "\(String(describing: error))")
            #expect(error?.problem.contains(expected) == true, "\(String(describing: error))")
        }
    }

    @Test("tests pin their own documents the same way, loopback URLs included when allowed")
    func ownPins() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        Self.write(#"{"client_id":"http://127.0.0.1:9/client.json","client_name":"T","redirect_uris":["http://127.0.0.1/cb"]}"#, to: directory.file("t.json"))
        #expect(try PinnedClientMetadataDocuments.load(.configured(directory.path), allowLoopbackHTTP: true).documents.count == 1)
        #expect(Self.error { _ = try PinnedClientMetadataDocuments.load(.configured(directory.path), allowLoopbackHTTP: false) } != nil)
    }

    @Test("settings: the pinned folder defaults to the shipped one, empty disables it, allow-loopback is off by default")
    func settings() throws {
        let base = ["GATEHOUSE_DATA_DIR": "/tmp/unused"]
        let defaults = try AuthServerSettings.load(environment: base)
        #expect(defaults.cimdPinnedDirectory == .shipped)
        #expect(defaults.cimdAllowLoopback == false)
        let custom = try AuthServerSettings.load(environment: base.merging(
            ["GATEHOUSE_CIMD_PINNED_DIR": "/etc/gatehouse/pins", "GATEHOUSE_CIMD_ALLOW_LOOPBACK": "TRUE"]) { $1 })
        #expect(custom.cimdPinnedDirectory == .configured("/etc/gatehouse/pins"))
        #expect(custom.cimdAllowLoopback)
        #expect(try AuthServerSettings.load(environment: ["GATEHOUSE_CIMD_PINNED_DIR": ""]).cimdPinnedDirectory == .disabled)
        let error = Self.error { _ = try AuthServerSettings.load(environment: ["GATEHOUSE_CIMD_ALLOW_LOOPBACK": "yes"]) }
        #expect(error == ConfigurationError(setting: "GATEHOUSE_CIMD_ALLOW_LOOPBACK", problem: "must be 'true' or 'false', got 'yes'"))
    }

    @Test("the resolver built from settings refuses a configured folder that does not exist")
    func resolverFromSettings() throws {
        var settings = AuthServerSettings(listen: .init(host: "127.0.0.1", port: 0), issuer: "https://a.example", resource: "https://a.example/mcp", dataDirectory: "/tmp/unused")
        settings.cimdPinnedDirectory = .configured("/nonexistent/gatehouse-pins")
        let error = Self.error { _ = try CIMDClientResolver.make(settings: settings, logger: Logger(label: "cimd-tests")) }
        #expect(error?.setting == "GATEHOUSE_CIMD_PINNED_DIR")
        settings.cimdPinnedDirectory = .configured(Self.shippedFolder)
        settings.cimdAllowLoopback = true
        let resolver = try CIMDClientResolver.make(settings: settings, logger: Logger(label: "cimd-tests"))
        #expect(resolver.fetcher.allowLoopback)
    }
}
