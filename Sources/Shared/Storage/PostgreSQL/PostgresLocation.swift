import Foundation
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL server is, from `GATEHOUSE_DATABASE_URL`, read as libpq reads a connection URI
/// (PostgreSQL documentation § 34.1.1 Connection Strings): `postgres://user:password@host:port/database?sslmode=…`,
/// percent-encoded parts decoded, and a Unix socket folder given as the host (`%2Frun%2Fpostgresql`) or as
/// `?host=/run/postgresql`.
///
/// `sslmode` means what it means to libpq (§ 34.19.1): `disable`; `prefer` (the default) and `require`
/// encrypt without checking the certificate; `verify-ca` checks it against `sslrootcert` (else the system's
/// roots); `verify-full` checks the host name too. Anything else is refused, not guessed.
public struct PostgresLocation: Sendable, Equatable {
    public enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The socket folder: libpq's convention, the file in it is `.s.PGSQL.<port>`.
        case socket(folder: String, port: Int)
    }

    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var username: String
    public var password: String?
    public var database: String?
    public var tlsMode: TLSMode
    public var rootCertificatePath: String?
    public var applicationName: String?
    /// How many connections a server's pool opens and keeps (`GATEHOUSE_DATABASE_CONNECTIONS`); PostgreSQL's
    /// `max_connections` must hold this many for every server, and room for commands.
    public var connections = Self.defaultConnections
    public static let defaultConnections = 20

    /// The database settings both servers read: the URL and the connections per server.
    public static let settingKeys: Set<String> = ["DATABASE_URL", "DATABASE_CONNECTIONS"]
    /// Unset or empty: SQLite.
    public static let urlSetting = Setting<String>("DATABASE_URL", default: "") { .success($0) }
    static let connectionsSetting = Setting<Int>.integer("DATABASE_CONNECTIONS", default: defaultConnections, range: 2...500)

    /// The location the settings name; nil when `GATEHOUSE_DATABASE_URL` is unset or empty (SQLite). The URL's own
    /// errors name the setting and never repeat the password.
    public static func read(from source: SettingsSource) throws(ConfigurationError) -> PostgresLocation? {
        let url = try urlSetting.read(from: source)
        guard !url.isEmpty else { return nil }
        var location = try PostgresLocation(url: url)
        location.connections = try connectionsSetting.read(from: source)
        return location
    }

    /// Accepts `postgres://` and `postgresql://`; the error names what is wrong without repeating the password.
    public init(url: String) throws(ConfigurationError) {
        func refuse(_ problem: String) -> ConfigurationError {
            ConfigurationError(setting: "GATEHOUSE_DATABASE_URL", problem: problem)
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw refuse("must be a postgres:// or postgresql:// URL")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard query[item.name] == nil else { throw refuse("names '\(item.name)' twice") }
            query[item.name] = item.value ?? ""
        }
        let known: Set = ["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname", "application_name"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("does not know the parameter '\(unknown)'")
        }

        let portText = query["port"] ?? components.port.map(String.init)
        let port: Int
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw refuse("has a port that is not 1-65535") }
            port = value
        } else {
            port = 5432
        }
        let host = query["host"] ?? components.percentEncodedHost.flatMap { $0.removingPercentEncoding }.flatMap { $0.isEmpty ? nil : $0 }
        if let host, host.hasPrefix("/") {
            endpoint = .socket(folder: host, port: port)
        } else {
            endpoint = .tcp(host: host ?? "localhost", port: port)
        }

        guard let username = query["user"] ?? components.user.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw refuse("names no user")
        }
        self.username = username
        password = query["password"] ?? components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = query["dbname"] ?? (path.isEmpty ? nil : path)

        let mode = query["sslmode"] ?? TLSMode.prefer.rawValue
        guard let tlsMode = TLSMode(rawValue: mode) else {
            throw refuse("has sslmode '\(mode)'; use one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.tlsMode = tlsMode
        rootCertificatePath = query["sslrootcert"]
        if let rootCertificatePath, !FileManager.default.isReadableFile(atPath: rootCertificatePath) {
            throw refuse("names an sslrootcert that cannot be read: \(rootCertificatePath)")
        }
        applicationName = query["application_name"]
    }

    /// postgres-nio's pool configuration for this location; `searchPath` becomes the connections' `search_path`,
    /// so each server's queries name their tables without a schema.
    public func clientConfiguration(searchPath: String) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS =
                switch tlsConfiguration {
                case nil: .disable
                case let (configuration, required)?: required ? .require(configuration) : .prefer(configuration)
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .socket(let folder, let port):
            configuration = .init(unixSocketPath: Self.socketPath(folder, port), username: username, password: password, database: database)
        }
        configuration.options.additionalStartupParameters = startupParameters(searchPath: searchPath)
        return configuration
    }

    /// The same place for one connection of its own (migrations: a wrong password fails at once rather than
    /// in the pool's retries).
    public func connectionConfiguration(searchPath: String) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS =
                switch tlsConfiguration {
                case nil: .disable
                case let (configuration, required)?:
                    required ? .require(try NIOSSLContext(configuration: configuration)) : .prefer(try NIOSSLContext(configuration: configuration))
                }
            configuration = .init(host: host, port: port, username: username, password: password, database: database, tls: tls)
        case .socket(let folder, let port):
            configuration = .init(unixSocketPath: Self.socketPath(folder, port), username: username, password: password, database: database)
        }
        configuration.options.additionalStartupParameters = startupParameters(searchPath: searchPath)
        return configuration
    }

    private static func socketPath(_ folder: String, _ port: Int) -> String { "\(folder)/.s.PGSQL.\(port)" }

    /// The schema, the name, and TCP keepalives from PostgreSQL's side (a probe after a minute of silence, then every
    /// ten seconds, six unanswered ending the connection): a server's pool keeps idle connections open without
    /// keep-alive queries (`PostgresSchemaPool`), and the probes keep a firewall or NAT between the two from
    /// forgetting one, and PostgreSQL from keeping the session of a client that is gone.
    private func startupParameters(searchPath: String) -> [(String, String)] {
        [("search_path", searchPath), ("tcp_keepalives_idle", "60"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "6")]
            + (applicationName.map { [("application_name", $0)] } ?? [])
    }

    /// What `sslmode` asks of the connection: nil for none, else how to check the server and whether to insist.
    private var tlsConfiguration: (TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .allow, .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if let rootCertificatePath { configuration.trustRoots = .file(rootCertificatePath) }
        return (configuration, required: ![.allow, .prefer].contains(tlsMode))
    }

    /// The location for logs and errors: never the password.
    public var redacted: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(username)@\(host):\(port)/\(database ?? "")"
        case .socket(let folder, let port): "postgres://\(username)@[\(folder)]:\(port)/\(database ?? "")"
        }
    }
}
