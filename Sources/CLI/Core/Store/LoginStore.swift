import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An access token with what the command line needs to know about it.
struct TokenSet: Codable, Equatable, Sendable {
    var accessToken: String
    var refreshToken: String?
    var expiresAt: Date
    /// `expires_in` as issued: how early to refresh is a share of it.
    var lifetime: Int
    var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case expiresAt = "expires_at"
        case lifetime, scope
    }

    var scopes: [String] { scope.split(separator: " ").map(String.init) }

    /// Refreshed a little before it expires (a tenth of its life, at most a minute), so a call never starts
    /// with a token about to die on the way.
    func isFresh(at now: Date) -> Bool {
        expiresAt.timeIntervalSince(now) > min(60, Double(lifetime) / 10)
    }
}

/// One MCP URL's login: where its authorization server is, and the tokens.
struct StoredLogin: Codable, Equatable, Sendable {
    var endpoints: ServerEndpoints
    var clientID: String
    var tokens: TokenSet
    /// Tokens with `mfa` from `gatehouse elevate`, used instead of `tokens` until `until`.
    var elevated: Elevation?

    struct Elevation: Codable, Equatable, Sendable {
        var tokens: TokenSet
        /// The elevated access token's expiry, which the server never lets outlast the elevation window; a refresh
        /// still carrying `mfa` moves it on.
        var until: Date
    }

    enum CodingKeys: String, CodingKey {
        case endpoints
        case clientID = "client_id"
        case tokens, elevated
    }
}

struct LoginFile: Codable, Equatable, Sendable {
    var version = 1
    /// By MCP URL, as the resource-server names it.
    var logins: [String: StoredLogin] = [:]

    /// The login for `url`, compared as resource indicators are.
    func key(for url: String) -> String? {
        if logins[url] != nil { return url }
        return logins.keys.first { MCPAddress.same($0, url) }
    }
}

/// The logins of one person on one machine: `logins.json` in `$XDG_CONFIG_HOME/gatehouse/` (else
/// `~/.config/gatehouse/`), mode 0600 in a 0700 folder, one entry per MCP URL. Every change happens under an
/// exclusive lock on `logins.lock` and replaces the file whole (written aside, then renamed), so commands running
/// at once, refreshing at once, never lose each other's tokens or leave half a file.
struct LoginStore: Sendable {
    let folder: String

    var file: String { (folder as NSString).appendingPathComponent("logins.json") }
    private var lockFile: String { (folder as NSString).appendingPathComponent("logins.lock") }

    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CLIFailure) -> LoginStore {
        if let configured = environment["XDG_CONFIG_HOME"], configured.hasPrefix("/") {
            return LoginStore(folder: (configured as NSString).appendingPathComponent("gatehouse"))
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else {
            throw .usage("neither XDG_CONFIG_HOME nor HOME is set to an absolute folder: set one so gatehouse can keep your login")
        }
        return LoginStore(folder: (home as NSString).appendingPathComponent(".config/gatehouse"))
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }()

    /// The logins as they are now; none when the file does not exist yet.
    func read() throws(CLIFailure) -> LoginFile {
        guard FileManager.default.fileExists(atPath: file) else { return LoginFile() }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: file))?[.posixPermissions] as? NSNumber, mode.intValue & 0o077 != 0 {
            throw .usage("\(file) holds your tokens and is readable by others: run chmod 600 '\(file)'")
        }
        guard let data = FileManager.default.contents(atPath: file) else { throw .usage("cannot read \(file)") }
        do {
            return try Self.decoder.decode(LoginFile.self, from: data)
        } catch {
            throw .usage("\(file) is not a login file gatehouse can read: delete it and run gatehouse login again")
        }
    }

    /// Reads the logins under the lock, lets `body` change them, and writes them back if it did.
    func update<T>(_ body: (inout LoginFile) async throws(CLIFailure) -> T) async throws(CLIFailure) -> T {
        try makeFolder()
        let lock = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw .usage("cannot open \(lockFile): \(String(cString: strerror(errno)))") }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else { throw .usage("cannot lock \(lockFile): \(String(cString: strerror(errno)))") }
        defer { flock(lock, LOCK_UN) }
        var logins = try read()
        let before = logins
        let result = try await body(&logins)
        if logins != before { try write(logins) }
        return result
    }

    private func makeFolder() throws(CLIFailure) {
        guard !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .usage("cannot create \(folder): \(error.localizedDescription)")
        }
    }

    private func write(_ logins: LoginFile) throws(CLIFailure) {
        let data: Data
        do { data = try Self.encoder.encode(logins) } catch { throw .usage("cannot encode the logins: \(error)") }
        let temporary = (folder as NSString).appendingPathComponent(".logins.json.\(getpid()).tmp")
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .usage("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count, synced, rename(temporary, file) == 0 else {
            unlink(temporary)
            throw .usage("cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }
}
