import Foundation
import Logging
import Shared

/// Every auth-server setting, read from the config file and `GATEHOUSE_<KEY>` environment variables.
/// The README's configuration table lists the same keys with the same defaults.
public struct AuthServerSettings: Sendable {
    public var listen: ListenAddress
    public var issuer: String
    public var resource: String
    public var dataDirectory: String
    /// Where the key that seals signing keys comes from.
    public var keyEncryptionKey: KeyEncryptionKey.Source
    /// How long a just-rotated refresh token still answers with the pair that replaced it (docs/tokens.md § Refresh tokens).
    public var refreshGraceSeconds: Int
    /// How long access tokens live (docs/tokens.md § Access tokens); shorter than the hour only for tests.
    public var accessTokenSeconds: Int64
    public var logFormat: LogFormat
    public var logLevel: Logger.Level
    /// Pinned Client ID Metadata Documents, used instead of fetching (docs/clients.md § Pinned metadata documents).
    public var cimdPinnedDirectory: PinnedDocumentsFolder
    /// Lets metadata documents (and client JWKS) be fetched from loopback, over plain http too. For
    /// local tests only: it opens the server's own machine to whoever names a client_id.
    public var cimdAllowLoopback: Bool
    /// Reverse proxies whose X-Forwarded-For names the client address that limits count.
    public var trustedProxies: TrustedProxies
    /// Registrations that create a client, allowed per client address and hour.
    public var registrationsPerHour: Int
    /// Token and revocation requests allowed per minute, per client address and per client.
    public var tokenRequestsPerMinute: Int
    /// Serve TLS from these files; nil: plain HTTP, for loopback or behind a proxy that terminates TLS.
    public var tls: TLSFiles?
    /// How long a second factor entered for an elevation counts (`Elevation`).
    public var elevationWindowSeconds: Int
    /// The longest life a personal access token may be given, in days.
    public var personalAccessTokenMaxDays: Int
    /// Where `/metrics` is served on its own (`ProcessMetrics.listenSetting`); nil: on the main port, to loopback.
    public var metricsListen: ListenAddress?
    /// How long ledger entries are kept (`AuditRetention`).
    public var auditRetentionDays: Int
    /// The PostgreSQL server the store lives on (schema `gatehouse_auth`); nil: SQLite in the data folder.
    public var database: PostgresLocation?

    static let listenSetting = Setting<ListenAddress>.listen(default: "127.0.0.1:9000")
    static let issuerSetting = Setting<String>.canonicalURL("ISSUER", default: "http://127.0.0.1:9000", allowPath: false)
    static let resourceSetting = Setting<String>.canonicalURL("RESOURCE", default: "http://127.0.0.1:9001/mcp")
    static let dataSetting = Setting<String>.text("DATA_DIR", default: "./data")
    static let kekSetting = Setting<String>.text("KEK", default: nil)
    static let kekFileSetting = Setting<String>.text("KEK_FILE", default: nil)

    static func keyEncryptionKeySource(_ source: SettingsSource) throws(ConfigurationError) -> KeyEncryptionKey.Source {
        switch (try kekSetting.readIfSet(from: source), try kekFileSetting.readIfSet(from: source)) {
        case (nil, nil): return .dataFolder
        case (let value?, nil): return .value(value)
        case (nil, let path?): return .file(path)
        case (_?, _?): throw ConfigurationError(setting: "GATEHOUSE_KEK_FILE", problem: "cannot be set together with GATEHOUSE_KEK; give one")
        }
    }
    static let refreshGraceSetting = Setting<Int>.integer("REFRESH_GRACE_SECONDS", default: 90, range: 0...120)
    static let accessTokenSecondsSetting = Setting<Int>.integer(
        "ACCESS_TOKEN_SECONDS", default: Int(AuthPolicy.accessTokenMaxLifetime), range: 10...Int(AuthPolicy.accessTokenMaxLifetime))
    /// Read only when set: unset means the shipped folder (optional), "" means none, a path must exist.
    static let cimdPinnedDirSetting = Setting<PinnedDocumentsFolder>("CIMD_PINNED_DIR", default: nil) { raw in
        .success(raw.isEmpty ? .disabled : .configured(raw))
    }
    static let cimdAllowLoopbackSetting = Setting<Bool>("CIMD_ALLOW_LOOPBACK", default: "false") { raw in
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true": .success(true)
        case "false": .success(false)
        default: .failure(SettingProblem("must be 'true' or 'false', got '\(raw)'"))
        }
    }

    static let registrationsSetting = Setting<Int>.integer(
        "REGISTRATIONS_PER_HOUR", default: AuthPolicy.registrationsPerAddressPerHour, range: 1...1_000_000)

    static let tokenRequestsSetting = Setting<Int>.integer(
        "TOKEN_REQUESTS_PER_MINUTE", default: AuthPolicy.TokenEndpoint.requestsPerMinute, range: 1...10_000_000)

    static let personalAccessTokenMaxDaysSetting = Setting<Int>.integer(
        "PAT_MAX_DAYS", default: AuthPolicy.PersonalAccessTokens.defaultMaxDays, range: 1...3650)

    public static let knownKeys = Set<String>([
        "LISTEN", "ISSUER", "RESOURCE", "DATA_DIR", "KEK", "KEK_FILE", "REFRESH_GRACE_SECONDS", "LOG_FORMAT", "LOG_LEVEL", "CIMD_PINNED_DIR", "CIMD_ALLOW_LOOPBACK",
        "TRUSTED_PROXIES", "ACCESS_TOKEN_SECONDS", "REGISTRATIONS_PER_HOUR", "TOKEN_REQUESTS_PER_MINUTE", "ELEVATION_SECONDS",
        "PAT_MAX_DAYS", "AUDIT_RETENTION_DAYS",
    ]).union(TLSFiles.settingKeys).union(ProcessMetrics.settingKeys).union(PostgresLocation.settingKeys)

    public init(
        listen: ListenAddress, issuer: String, resource: String, dataDirectory: String, keyEncryptionKey: KeyEncryptionKey.Source = .dataFolder,
        refreshGraceSeconds: Int = 90, accessTokenSeconds: Int64 = AuthPolicy.accessTokenMaxLifetime, logFormat: LogFormat = .text, logLevel: Logger.Level = .info, cimdPinnedDirectory: PinnedDocumentsFolder = .shipped,
        cimdAllowLoopback: Bool = false, trustedProxies: TrustedProxies = .none,
        registrationsPerHour: Int = AuthPolicy.registrationsPerAddressPerHour, tokenRequestsPerMinute: Int = AuthPolicy.TokenEndpoint.requestsPerMinute,
        tls: TLSFiles? = nil, elevationWindowSeconds: Int = Elevation.defaultWindowSeconds,
        personalAccessTokenMaxDays: Int = AuthPolicy.PersonalAccessTokens.defaultMaxDays, auditRetentionDays: Int = AuditRetention.defaultDays, metricsListen: ListenAddress? = nil,
        database: PostgresLocation? = nil
    ) {
        self.listen = listen
        self.issuer = issuer
        self.resource = resource
        self.dataDirectory = dataDirectory
        self.keyEncryptionKey = keyEncryptionKey
        self.refreshGraceSeconds = refreshGraceSeconds
        self.accessTokenSeconds = accessTokenSeconds
        self.logFormat = logFormat
        self.logLevel = logLevel
        self.cimdPinnedDirectory = cimdPinnedDirectory
        self.cimdAllowLoopback = cimdAllowLoopback
        self.trustedProxies = trustedProxies
        self.registrationsPerHour = registrationsPerHour
        self.tokenRequestsPerMinute = tokenRequestsPerMinute
        self.tls = tls
        self.elevationWindowSeconds = elevationWindowSeconds
        self.personalAccessTokenMaxDays = personalAccessTokenMaxDays
        self.metricsListen = metricsListen
        self.auditRetentionDays = auditRetentionDays
        self.database = database
    }

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Self {
        let source = try SettingsSource(environment: environment, knownKeys: knownKeys)
        return Self(
            listen: try listenSetting.read(from: source),
            issuer: try issuerSetting.read(from: source),
            resource: try resourceSetting.read(from: source),
            dataDirectory: try dataSetting.read(from: source),
            keyEncryptionKey: try keyEncryptionKeySource(source),
            refreshGraceSeconds: try refreshGraceSetting.read(from: source),
            accessTokenSeconds: Int64(try accessTokenSecondsSetting.read(from: source)),
            logFormat: try Setting.logFormat.read(from: source),
            logLevel: try Setting.logLevel.read(from: source),
            cimdPinnedDirectory: source.value("CIMD_PINNED_DIR") == nil ? .shipped : try cimdPinnedDirSetting.read(from: source),
            cimdAllowLoopback: try cimdAllowLoopbackSetting.read(from: source),
            trustedProxies: try Setting.trustedProxies.read(from: source),
            registrationsPerHour: try registrationsSetting.read(from: source),
            tokenRequestsPerMinute: try tokenRequestsSetting.read(from: source),
            tls: try TLSFiles.read(from: source),
            elevationWindowSeconds: try Elevation.setting.read(from: source),
            personalAccessTokenMaxDays: try personalAccessTokenMaxDaysSetting.read(from: source),
            auditRetentionDays: try AuditRetention.setting.read(from: source),
            metricsListen: try ProcessMetrics.listenSetting.readIfSet(from: source),
            database: try PostgresLocation.read(from: source)
        )
    }
}
