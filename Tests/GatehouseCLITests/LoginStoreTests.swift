import Foundation
import Testing

@testable import GatehouseCLICore

/// A fresh folder standing in for $XDG_CONFIG_HOME.
struct ConfigFolder {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cli-tests-\(UUID().uuidString)").path

    var environment: [String: String] { ["XDG_CONFIG_HOME": path, "HOME": "/nonexistent"] }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

func permissions(of path: String) throws -> Int {
    ((try FileManager.default.attributesOfItem(atPath: path))[.posixPermissions] as? NSNumber)?.intValue ?? -1
}

extension StoredLogin {
    static func sample(resource: String = "https://acme.example.com/mcp", token: String = "at-1", expiresIn: TimeInterval = 3600) -> StoredLogin {
        StoredLogin(
            endpoints: ServerEndpoints(
                resource: resource, issuer: "https://acme.example.com", tokenEndpoint: "https://acme.example.com/oauth/token",
                deviceAuthorizationEndpoint: "https://acme.example.com/oauth/device_authorization",
                revocationEndpoint: "https://acme.example.com/oauth/revoke"),
            clientID: "gatehouse-cli",
            tokens: TokenSet(
                accessToken: token, refreshToken: "rt-1", expiresAt: Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + expiresIn).rounded()),
                lifetime: Int(expiresIn), scope: "tickets:read"))
    }
}

@Suite("Login store")
struct LoginStoreTests {
    @Test("the folder is $XDG_CONFIG_HOME/gatehouse, else ~/.config/gatehouse; neither set is a usage error")
    func location() throws {
        #expect(try LoginStore.locate(environment: ["XDG_CONFIG_HOME": "/x/config", "HOME": "/home/a"]).folder == "/x/config/gatehouse")
        #expect(try LoginStore.locate(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/a"]).folder == "/home/a/.config/gatehouse")
        #expect(try LoginStore.locate(environment: ["HOME": "/home/a"]).folder == "/home/a/.config/gatehouse")
        #expect(throws: CLIFailure.self) { try LoginStore.locate(environment: [:]) }
    }

    @Test("logins round-trip in a 0600 file in a 0700 folder, one per MCP URL, found whatever the host's case or a trailing slash")
    func roundTrip() async throws {
        let config = ConfigFolder()
        defer { config.remove() }
        let store = try LoginStore.locate(environment: config.environment)
        #expect(try store.read() == LoginFile(), "no file yet is no logins")
        let acme = StoredLogin.sample()
        let other = StoredLogin.sample(resource: "http://127.0.0.1:9001/mcp")
        try await store.update { file throws(CLIFailure) in
            file.logins[acme.endpoints.resource] = acme
            file.logins[other.endpoints.resource] = other
        }
        #expect(try permissions(of: store.file) & 0o777 == 0o600)
        #expect(try permissions(of: store.folder) & 0o777 == 0o700)
        let read = try store.read()
        #expect(read.logins.count == 2)
        #expect(read.logins[acme.endpoints.resource] == acme)
        #expect(read.key(for: "https://ACME.example.com/mcp/") == acme.endpoints.resource)
        #expect(read.key(for: "https://acme.example.com/other") == nil)
        // The file names the tokens by their RFC 6749 names, for a person looking inside.
        let text = try String(contentsOfFile: store.file, encoding: .utf8)
        #expect(text.contains(#""access_token" : "at-1""#) && text.contains(#""refresh_token" : "rt-1""#))
    }

    @Test("commands changing the file at once each keep their change (the lock), and no half-written file is ever read")
    func concurrentUpdates() async throws {
        let config = ConfigFolder()
        defer { config.remove() }
        let store = try LoginStore.locate(environment: config.environment)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask {
                    try await store.update { file throws(CLIFailure) in
                        let login = StoredLogin.sample(resource: "https://s\(index).example.com/mcp")
                        file.logins[login.endpoints.resource] = login
                    }
                    _ = try store.read()
                }
            }
            try await group.waitForAll()
        }
        #expect(try store.read().logins.count == 24)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: store.folder).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test("a file others can read, or one that is not a login file, is refused with what to do")
    func refusedFiles() async throws {
        let config = ConfigFolder()
        defer { config.remove() }
        let store = try LoginStore.locate(environment: config.environment)
        try await store.update { file throws(CLIFailure) in file.logins["https://acme.example.com/mcp"] = .sample() }
        chmod(store.file, 0o644)
        #expect(throws: CLIFailure.usage("\(store.file) holds your tokens and is readable by others: run chmod 600 '\(store.file)'")) { try store.read() }
        chmod(store.file, 0o600)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: store.file))
        chmod(store.file, 0o600)
        #expect(throws: CLIFailure.self) { try store.read() }
    }

    @Test("a token is renewed a tenth of its life before it expires, at most a minute before")
    func freshness() {
        let now = Date()
        func tokens(lifetime: Int, left: TimeInterval) -> TokenSet {
            TokenSet(accessToken: "a", refreshToken: nil, expiresAt: now.addingTimeInterval(left), lifetime: lifetime, scope: "")
        }
        #expect(tokens(lifetime: 3600, left: 61).isFresh(at: now))
        #expect(!tokens(lifetime: 3600, left: 59).isFresh(at: now))
        #expect(tokens(lifetime: 20, left: 3).isFresh(at: now))
        #expect(!tokens(lifetime: 20, left: 1).isFresh(at: now))
        #expect(!tokens(lifetime: 20, left: -5).isFresh(at: now))
    }
}

@Suite("Which server and token a command uses")
struct CredentialsTests {
    @Test("GATEHOUSE_TOKEN wins over a login, and needs a URL from --url, GATEHOUSE_URL or the only login")
    func environmentToken() async throws {
        let config = ConfigFolder()
        defer { config.remove() }
        let http = HTTPExchange()
        defer { Task { await http.shutdown() } }
        var environment = config.environment
        environment["GATEHOUSE_TOKEN"] = "gatehouse_pat_x"
        #expect(throws: CLIFailure.usage("GATEHOUSE_TOKEN is set but no MCP URL is: pass --url or set GATEHOUSE_URL")) {
            try Credentials.resolve(url: nil, http: http, environment: environment)
        }
        var withURL = environment
        withURL["GATEHOUSE_URL"] = "https://acme.example.com/mcp"
        let fromEnvironment = try Credentials.resolve(url: nil, http: http, environment: withURL)
        #expect(fromEnvironment.url == "https://acme.example.com/mcp")
        #expect(try await fromEnvironment.bearer() == "gatehouse_pat_x")
        #expect(try await fromEnvironment.bearer(afterRefusing: "gatehouse_pat_x") == nil, "a refused GATEHOUSE_TOKEN is not retried")
        #expect(await fromEnvironment.isEnvironmentToken)

        let store = try LoginStore.locate(environment: config.environment)
        try await store.update { file throws(CLIFailure) in file.logins["https://acme.example.com/mcp"] = .sample(token: "stored") }
        let overridden = try Credentials.resolve(url: nil, http: http, environment: environment)
        #expect(try await overridden.bearer() == "gatehouse_pat_x", "with a login stored, GATEHOUSE_TOKEN still replaces it")
        #expect(throws: CLIFailure.self) { try Credentials.resolve(url: "http://not-loopback.example.com/mcp", http: http, environment: environment) }
    }

    @Test("a stored login is found by URL or as the only one; several need --url; none is not signed in")
    func storedLogins() async throws {
        let config = ConfigFolder()
        defer { config.remove() }
        let http = HTTPExchange()
        defer { Task { await http.shutdown() } }
        let environment = config.environment
        do {
            _ = try Credentials.resolve(url: nil, http: http, environment: environment)
            Issue.record("resolved without a login")
        } catch {
            #expect(error.status == .notSignedIn)
        }
        let store = try LoginStore.locate(environment: environment)
        try await store.update { file throws(CLIFailure) in file.logins["https://acme.example.com/mcp"] = .sample(token: "fresh-token") }
        let only = try Credentials.resolve(url: nil, http: http, environment: environment)
        #expect(only.url == "https://acme.example.com/mcp")
        #expect(try await only.bearer() == "fresh-token", "a fresh token is sent as it is")
        #expect(try Credentials.resolve(url: "https://ACME.example.com/mcp/", http: http, environment: environment).url == "https://acme.example.com/mcp")
        do {
            _ = try Credentials.resolve(url: "https://other.example.com/mcp", http: http, environment: environment)
            Issue.record("resolved a server without a login")
        } catch {
            #expect(error.status == .notSignedIn && error.message.contains("gatehouse login https://other.example.com/mcp"))
        }
        try await store.update { file throws(CLIFailure) in file.logins["https://second.example.com/mcp"] = .sample(resource: "https://second.example.com/mcp") }
        do {
            _ = try Credentials.resolve(url: nil, http: http, environment: environment)
            Issue.record("resolved one of several logins")
        } catch {
            #expect(error.status == .usage && error.message.contains("--url"))
        }
    }

    @Test("signing in or out with GATEHOUSE_TOKEN set is a usage error")
    func refusesEnvironmentToken() throws {
        #expect(throws: CLIFailure.self) { try refuseEnvironmentToken("sign in", environment: ["GATEHOUSE_TOKEN": "x"]) }
        try refuseEnvironmentToken("sign in", environment: ["GATEHOUSE_TOKEN": ""])
        try refuseEnvironmentToken("sign in", environment: [:])
    }
}

@Suite("Command line")
struct CommandLineTests {
    @Test("usage errors exit 2, help exits 0", arguments: [
        (["frobnicate"], 2), (["call"], 2), (["login"], 2), (["tools", "--nonsense"], 2), (["--help"], 0), (["call", "--help"], 0),
        (["--version"], 0),
    ] as [([String], Int32)])
    func exitStatuses(arguments: [String], status: Int32) async {
        #expect(await GatehouseCommand.run(arguments) == status)
    }
}
