import Foundation
import Shared
import Testing

/// Writes a config file with a unique name in the temporary folder and returns its path.
private func writeConfigFile(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-config-\(UUID().uuidString).conf").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

private func removeFile(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

/// `SettingsSource`: `GATEHOUSE_<KEY>` environment variables over a `KEY = value` file named by GATEHOUSE_CONFIG.
@Suite("SettingsSource")
struct SettingsSourceTests {
    static let knownKeys: Set<String> = ["ISSUER", "LISTEN", "MAX_BODY_BYTES"]

    @Test("without GATEHOUSE_CONFIG, values come from GATEHOUSE_ environment variables only")
    func environmentOnly() throws {
        let source = try SettingsSource(environment: ["GATEHOUSE_ISSUER": "https://a.example.com", "ISSUER": "unprefixed"], knownKeys: Self.knownKeys)
        #expect(source.value("ISSUER") == "https://a.example.com")
        #expect(source.value("LISTEN") == nil)
    }

    @Test("the file is read as KEY = value lines; comments and blank lines are skipped; keys are case-insensitive")
    func fileLinesAndComments() throws {
        let file = try writeConfigFile(
            """
            # Gatehouse settings
              # an indented comment
            ISSUER = https://acme.example.com

            listen=127.0.0.1:9100
            MAX_BODY_BYTES   =   4096   \n
            """
        )
        defer { removeFile(file) }
        let source = try SettingsSource(environment: ["GATEHOUSE_CONFIG": file], knownKeys: Self.knownKeys)
        #expect(source.value("ISSUER") == "https://acme.example.com")
        #expect(source.value("LISTEN") == "127.0.0.1:9100")
        #expect(source.value("MAX_BODY_BYTES") == "4096")
    }

    @Test("the environment overrides the file")
    func environmentOverridesFile() throws {
        let file = try writeConfigFile("ISSUER = https://from-file.example.com\nLISTEN = 127.0.0.1:9100\n")
        defer { removeFile(file) }
        let source = try SettingsSource(
            environment: ["GATEHOUSE_CONFIG": file, "GATEHOUSE_ISSUER": "https://from-env.example.com"], knownKeys: Self.knownKeys)
        #expect(source.value("ISSUER") == "https://from-env.example.com")
        #expect(source.value("LISTEN") == "127.0.0.1:9100")
    }

    @Test("file keys may carry the GATEHOUSE_ prefix")
    func fileKeysMayCarryPrefix() throws {
        let file = try writeConfigFile("GATEHOUSE_ISSUER = https://acme.example.com\ngatehouse_listen = [::1]:9000\n")
        defer { removeFile(file) }
        let source = try SettingsSource(environment: ["GATEHOUSE_CONFIG": file], knownKeys: Self.knownKeys)
        #expect(source.value("ISSUER") == "https://acme.example.com")
        #expect(source.value("LISTEN") == "[::1]:9000")
    }

    @Test("a value may itself contain '='")
    func valueMayContainEquals() throws {
        let file = try writeConfigFile("ISSUER = https://acme.example.com/a=b\n")
        defer { removeFile(file) }
        let source = try SettingsSource(environment: ["GATEHOUSE_CONFIG": file], knownKeys: Self.knownKeys)
        #expect(source.value("ISSUER") == "https://acme.example.com/a=b")
    }

    @Test("an unknown key in the file is refused, naming GATEHOUSE_CONFIG, the line and the key")
    func unknownKeyIsRefused() throws {
        let file = try writeConfigFile("# settings\nISSUER = https://acme.example.com\nISUER = typo\n")
        defer { removeFile(file) }
        let error = try #require(throws: ConfigurationError.self) {
            try SettingsSource(environment: ["GATEHOUSE_CONFIG": file], knownKeys: Self.knownKeys)
        }
        #expect(error.setting == "GATEHOUSE_CONFIG")
        #expect(error.problem.contains("line 3"))
        #expect(error.problem.contains("ISUER"))
        #expect(error.problem.contains(file))
    }

    @Test("a line that is not KEY = value is refused, naming the line")
    func lineWithoutEqualsIsRefused() throws {
        let file = try writeConfigFile("ISSUER = https://acme.example.com\nLISTEN 127.0.0.1:9000\n")
        defer { removeFile(file) }
        let error = try #require(throws: ConfigurationError.self) {
            try SettingsSource(environment: ["GATEHOUSE_CONFIG": file], knownKeys: Self.knownKeys)
        }
        #expect(error.setting == "GATEHOUSE_CONFIG")
        #expect(error.problem.contains("line 2"))
    }

    @Test("an unreadable config file is an error naming GATEHOUSE_CONFIG and the path")
    func unreadableFileIsRefused() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-missing-\(UUID().uuidString).conf").path
        let error = try #require(throws: ConfigurationError.self) {
            try SettingsSource(environment: ["GATEHOUSE_CONFIG": missing], knownKeys: Self.knownKeys)
        }
        #expect(error.setting == "GATEHOUSE_CONFIG")
        #expect(error.problem.contains(missing))
        #expect(error.description.hasPrefix("GATEHOUSE_CONFIG: "))

        let notUTF8 = try writeConfigFile("")
        defer { removeFile(notUTF8) }
        try Data([0x49, 0x53, 0xFF, 0xFE, 0x3D]).write(to: URL(fileURLWithPath: notUTF8))
        #expect(throws: ConfigurationError.self) {
            try SettingsSource(environment: ["GATEHOUSE_CONFIG": notUTF8], knownKeys: Self.knownKeys)
        }
    }
}

/// `Setting`: one named value, its default and a parser whose errors name the setting.
@Suite("Setting")
struct SettingTests {
    static func source(_ environment: [String: String]) throws -> SettingsSource {
        try SettingsSource(environment: environment, knownKeys: [])
    }

    // MARK: canonicalURL (RFC 8414 §3.3, RFC 9728 §3.3: issuer and resource are compared byte for byte)

    @Test("canonicalURL accepts absolute https URLs, and http ones on loopback, as written", arguments: [
        "https://acme.example.com", "https://acme.example.com/mcp", "http://127.0.0.1:9000", "https://acme.example.com:8443/tenants/a",
        "http://localhost:9001/mcp", "http://desk.localhost", "http://[::1]:9000", "http://127.8.0.1", "https://127.0.0.1:9443",
    ])
    func canonicalURLAccepts(url: String) throws {
        let value = try Setting<String>.canonicalURL("ISSUER", default: nil).read(from: Self.source(["GATEHOUSE_ISSUER": url]))
        #expect(value == url)
    }

    @Test("canonicalURL refuses a trailing slash, query, fragment, user info, other schemes and relative URLs", arguments: [
        "https://acme.example.com/", "https://acme.example.com/mcp/", "https://acme.example.com?tenant=a", "https://acme.example.com/mcp?",
        "https://acme.example.com#top", "ftp://acme.example.com", "urn:acme", "/mcp", "acme.example.com", "https://", "",
        "https://user:secret@acme.example.com",
    ])
    func canonicalURLRefuses(url: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Setting<String>.canonicalURL("ISSUER", default: nil).read(from: Self.source(["GATEHOUSE_ISSUER": url]))
        }
        #expect(error.setting == "GATEHOUSE_ISSUER")
        #expect(!error.problem.isEmpty)
    }

    @Test("canonicalURL refuses plain http to any host that is not loopback, naming the rule (OAuth 2.1 §1.5)", arguments: [
        "http://acme.example.com", "http://acme.example.com/mcp", "http://10.0.0.5:9000", "http://localhost.example.com", "http://[::2]",
        "http://mylocalhost", "HTTP://acme.example.com",
    ])
    func canonicalURLRefusesPlainHTTP(url: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Setting<String>.canonicalURL("AUTH_URL", default: nil).read(from: Self.source(["GATEHOUSE_AUTH_URL": url]))
        }
        #expect(error.setting == "GATEHOUSE_AUTH_URL")
        #expect(error.problem.contains("https"))
    }

    @Test("TLS files come as a pair: both, neither, or a setting error naming the missing one")
    func tlsFiles() throws {
        #expect(try TLSFiles.read(from: Self.source([:])) == nil)
        #expect(
            try TLSFiles.read(from: Self.source(["GATEHOUSE_TLS_CERT": "/etc/c.pem", "GATEHOUSE_TLS_KEY": "/etc/k.pem"]))
                == TLSFiles(certificatePath: "/etc/c.pem", privateKeyPath: "/etc/k.pem"))
        let missingKey = try #require(throws: ConfigurationError.self) { try TLSFiles.read(from: Self.source(["GATEHOUSE_TLS_CERT": "/etc/c.pem"])) }
        #expect(missingKey.setting == "GATEHOUSE_TLS_KEY")
        let missingCert = try #require(throws: ConfigurationError.self) { try TLSFiles.read(from: Self.source(["GATEHOUSE_TLS_KEY": "/etc/k.pem"])) }
        #expect(missingCert.setting == "GATEHOUSE_TLS_CERT")
        let empty = try #require(throws: ConfigurationError.self) {
            try TLSFiles.read(from: Self.source(["GATEHOUSE_TLS_CERT": "", "GATEHOUSE_TLS_KEY": "/etc/k.pem"]))
        }
        #expect(empty.setting == "GATEHOUSE_TLS_CERT")
    }

    @Test("canonicalURL does not repeat a password it refuses")
    func canonicalURLDoesNotEchoUserInfo() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Setting<String>.canonicalURL("ISSUER", default: nil)
                .read(from: Self.source(["GATEHOUSE_ISSUER": "https://user:hunter2@acme.example.com"]))
        }
        #expect(!error.description.contains("hunter2"))
    }

    @Test("a default applies when the setting is absent, and is parsed like any value")
    func defaultApplies() throws {
        let setting = Setting<String>.canonicalURL("RESOURCE", default: "http://127.0.0.1:9001/mcp")
        #expect(try setting.read(from: Self.source([:])) == "http://127.0.0.1:9001/mcp")
        let badDefault = Setting<String>.canonicalURL("RESOURCE", default: "http://127.0.0.1:9001/mcp/")
        #expect(throws: ConfigurationError.self) { try badDefault.read(from: Self.source([:])) }
    }

    // MARK: listen

    @Test("listen parses host:port and [IPv6]:port")
    func listenParses() throws {
        let setting = Setting<ListenAddress>.listen(default: "127.0.0.1:9000")
        #expect(try setting.read(from: Self.source([:])) == ListenAddress(host: "127.0.0.1", port: 9000))
        #expect(try setting.read(from: Self.source(["GATEHOUSE_LISTEN": "[::1]:9000"])) == ListenAddress(host: "::1", port: 9000))
        #expect(try setting.read(from: Self.source(["GATEHOUSE_LISTEN": "0.0.0.0:0"])) == ListenAddress(host: "0.0.0.0", port: 0))
        #expect(try setting.read(from: Self.source(["GATEHOUSE_LISTEN": "localhost:65535"])) == ListenAddress(host: "localhost", port: 65535))
        #expect(ListenAddress(host: "::1", port: 9000).description == "[::1]:9000")
        #expect(ListenAddress(host: "127.0.0.1", port: 9000).description == "127.0.0.1:9000")
    }

    @Test("listen refuses a value that is not host:port with a port from 0 to 65535", arguments: [
        "x", "host:99999", "host:-1", "host:", ":9000", "[::1]", "[::1]9000", "[::1:9000", "host:90a", "",
    ])
    func listenRefuses(raw: String) throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Setting<ListenAddress>.listen(default: "127.0.0.1:9000").read(from: Self.source(["GATEHOUSE_LISTEN": raw]))
        }
        #expect(error.setting == "GATEHOUSE_LISTEN")
        #expect(error.problem.contains("'\(raw)'"))
    }

    // MARK: integer, text, list, required

    @Test("integer parses within its range and names the setting when out of range or not a number")
    func integerRange() throws {
        let setting = Setting<Int>.integer("MAX_BODY_BYTES", default: 1_048_576, range: 1...10_485_760)
        #expect(try setting.read(from: Self.source([:])) == 1_048_576)
        #expect(try setting.read(from: Self.source(["GATEHOUSE_MAX_BODY_BYTES": " 4096 "])) == 4096)

        let tooBig = try #require(throws: ConfigurationError.self) {
            try setting.read(from: Self.source(["GATEHOUSE_MAX_BODY_BYTES": "10485761"]))
        }
        #expect(tooBig.setting == "GATEHOUSE_MAX_BODY_BYTES")
        #expect(tooBig.problem.contains("between 1 and 10485760"))
        #expect(tooBig.description.hasPrefix("GATEHOUSE_MAX_BODY_BYTES: "))

        let zero = try #require(throws: ConfigurationError.self) { try setting.read(from: Self.source(["GATEHOUSE_MAX_BODY_BYTES": "0"])) }
        #expect(zero.setting == "GATEHOUSE_MAX_BODY_BYTES")

        let words = try #require(throws: ConfigurationError.self) {
            try setting.read(from: Self.source(["GATEHOUSE_MAX_BODY_BYTES": "1MB"]))
        }
        #expect(words.setting == "GATEHOUSE_MAX_BODY_BYTES")
        #expect(words.problem.contains("whole number"))
    }

    @Test("a required setting (no default) that is not set is 'required but not set'")
    func missingRequiredSetting() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try Setting<String>.text("KEK", default: nil).read(from: Self.source([:]))
        }
        #expect(error == ConfigurationError(setting: "GATEHOUSE_KEK", problem: "is required but not set"))
        let url = try #require(throws: ConfigurationError.self) {
            try Setting<String>.canonicalURL("ISSUER", default: nil).read(from: Self.source([:]))
        }
        #expect(url.setting == "GATEHOUSE_ISSUER")
        #expect(url.problem == "is required but not set")
    }

    @Test("text refuses an empty value; list splits on commas and drops empty entries")
    func textAndList() throws {
        #expect(throws: ConfigurationError.self) {
            try Setting<String>.text("DATA_DIR", default: "./data").read(from: Self.source(["GATEHOUSE_DATA_DIR": ""]))
        }
        let list = Setting<[String]>.list("ORIGINS", default: "")
        #expect(try list.read(from: Self.source(["GATEHOUSE_ORIGINS": " https://claude.ai, ,https://chatgpt.com,"]))
            == ["https://claude.ai", "https://chatgpt.com"])
        #expect(try list.read(from: Self.source([:])) == [])
    }

    @Test("the settings file feeds Setting.read, with the environment winning")
    func fileFeedsSettings() throws {
        let file = try writeConfigFile("ISSUER = https://from-file.example.com\nMAX_BODY_BYTES = 0\n")
        defer { removeFile(file) }
        let source = try SettingsSource(
            environment: ["GATEHOUSE_CONFIG": file, "GATEHOUSE_MAX_BODY_BYTES": "2048"], knownKeys: ["ISSUER", "MAX_BODY_BYTES"])
        #expect(try Setting<String>.canonicalURL("ISSUER", default: nil).read(from: source) == "https://from-file.example.com")
        #expect(try Setting<Int>.integer("MAX_BODY_BYTES", default: 1024, range: 1...4096).read(from: source) == 2048)
    }

    @Test("log format and level parse case-insensitively and name their setting when wrong")
    func logSettings() throws {
        #expect(try Setting.logFormat.read(from: Self.source(["GATEHOUSE_LOG_FORMAT": "JSON"])) == .json)
        #expect(try Setting.logLevel.read(from: Self.source(["GATEHOUSE_LOG_LEVEL": "Debug"])) == .debug)
        let error = try #require(throws: ConfigurationError.self) {
            try Setting.logFormat.read(from: Self.source(["GATEHOUSE_LOG_FORMAT": "xml"]))
        }
        #expect(error.setting == "GATEHOUSE_LOG_FORMAT")
    }
}
