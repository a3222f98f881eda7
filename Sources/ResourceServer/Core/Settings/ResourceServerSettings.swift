import Foundation
import Logging
import Shared

/// Every resource-server setting, read from the config file and `GATEHOUSE_<KEY>` environment variables.
public struct ResourceServerSettings: Sendable {
    public var listen: ListenAddress
    public var resource: String
    public var issuer: String
    /// Where this process reaches the auth-server (its JWKS); defaults to the issuer.
    public var authURL: String
    public var dataDirectory: String
    public var maxBodyBytes: Int
    /// Browser origins allowed to call `/mcp`, besides the resource's own origin.
    public var allowedOrigins: [String]
    public var logFormat: LogFormat
    public var logLevel: Logger.Level
    /// `tools/call` allowance per grant and per person, by tool kind.
    public var rateLimits: ToolRateLimits.Limits
    /// Serve TLS from these files; nil: plain HTTP, for loopback or behind a proxy that terminates TLS.
    public var tls: TLSFiles?
    /// How long a second factor counts for high-trust tools (`Elevation`).
    public var elevationWindowSeconds: Int
    /// What this server presents to the auth-server's internal endpoints; serving needs them, the admin
    /// commands do not.
    public var credentials: ResourceServerCredentials?
    /// Reverse proxies whose X-Forwarded-For names the caller's address, which a personal access token's
    /// "last used" shows.
    public var trustedProxies: TrustedProxies
    /// Where `/metrics` is served on its own (`ProcessMetrics.listenSetting`); nil: on the main port, to loopback.
    public var metricsListen: ListenAddress?
    /// How long tool-call audit entries are kept (`AuditRetention`, the same setting as the auth-server's ledger).
    public var auditRetentionDays: Int
    /// `GATEHOUSE_DATABASE_URL`: keep the data in this PostgreSQL database (schema `gatehouse_resource`) instead
    /// of `resource.sqlite` in the data folder.
    public var database: PostgresLocation?

    public static let knownKeys = Set<String>([
        "LISTEN", "RESOURCE", "ISSUER", "AUTH_URL", "DATA_DIR", "MAX_BODY_BYTES", "ALLOWED_ORIGINS", "LOG_FORMAT", "LOG_LEVEL",
        "RATE_READS_PER_MINUTE", "RATE_WRITES_PER_MINUTE", "ELEVATION_SECONDS",
        "TRUSTED_PROXIES", "AUDIT_RETENTION_DAYS",
    ]).union(TLSFiles.settingKeys).union(ProcessMetrics.settingKeys).union(ResourceServerCredentials.settingKeys).union(PostgresLocation.settingKeys)

    public init(
        listen: ListenAddress, resource: String, issuer: String, authURL: String? = nil, dataDirectory: String,
        maxBodyBytes: Int = 1_048_576, allowedOrigins: [String] = ResourceServerSettings.defaultAllowedOrigins,
        logFormat: LogFormat = .text, logLevel: Logger.Level = .info, rateLimits: ToolRateLimits.Limits = .defaults, tls: TLSFiles? = nil,
        elevationWindowSeconds: Int = Elevation.defaultWindowSeconds, credentials: ResourceServerCredentials? = nil,
        trustedProxies: TrustedProxies = .none, auditRetentionDays: Int = AuditRetention.defaultDays, metricsListen: ListenAddress? = nil,
        database: PostgresLocation? = nil
    ) {
        self.listen = listen
        self.resource = resource
        self.issuer = issuer
        self.authURL = authURL ?? issuer
        self.dataDirectory = dataDirectory
        self.maxBodyBytes = maxBodyBytes
        self.allowedOrigins = allowedOrigins
        self.logFormat = logFormat
        self.logLevel = logLevel
        self.rateLimits = rateLimits
        self.tls = tls
        self.elevationWindowSeconds = elevationWindowSeconds
        self.credentials = credentials
        self.trustedProxies = trustedProxies
        self.metricsListen = metricsListen
        self.auditRetentionDays = auditRetentionDays
        self.database = database
    }

    /// The hosted connectors' origins, which their requests carry (docs/clients.md § Claude).
    public static let defaultAllowedOrigins = ["https://claude.ai", "https://claude.com", "https://chatgpt.com"]

    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Self {
        let source = try SettingsSource(environment: environment, knownKeys: knownKeys)
        let issuer = try Setting<String>.canonicalURL("ISSUER", default: "http://127.0.0.1:9000", allowPath: false).read(from: source)
        let dataDirectory = try Setting<String>.text("DATA_DIR", default: "./data").read(from: source)
        return Self(
            listen: try Setting<ListenAddress>.listen(default: "127.0.0.1:9001").read(from: source),
            resource: try Setting<String>.canonicalURL("RESOURCE", default: "http://127.0.0.1:9001/mcp").read(from: source),
            issuer: issuer,
            authURL: try Setting<String>.canonicalURL("AUTH_URL", default: issuer).read(from: source),
            dataDirectory: dataDirectory,
            maxBodyBytes: try Setting<Int>.integer("MAX_BODY_BYTES", default: 1_048_576, range: 1024...67_108_864).read(from: source),
            allowedOrigins: try Setting<[String]>.list("ALLOWED_ORIGINS", default: defaultAllowedOrigins.joined(separator: ","))
                .read(from: source),
            logFormat: try Setting.logFormat.read(from: source),
            logLevel: try Setting.logLevel.read(from: source),
            rateLimits: ToolRateLimits.Limits(
                readsPerMinute: try Setting<Int>.integer(
                    "RATE_READS_PER_MINUTE", default: ToolRateLimits.Limits.defaults.readsPerMinute, range: 1...100_000_000
                ).read(from: source),
                writesPerMinute: try Setting<Int>.integer(
                    "RATE_WRITES_PER_MINUTE", default: ToolRateLimits.Limits.defaults.writesPerMinute, range: 1...100_000_000
                ).read(from: source)
            ),
            tls: try TLSFiles.read(from: source),
            elevationWindowSeconds: try Elevation.setting.read(from: source),
            credentials: try ResourceServerCredentials.load(from: source, dataDirectory: dataDirectory),
            trustedProxies: try Setting.trustedProxies.read(from: source),
            auditRetentionDays: try AuditRetention.setting.read(from: source),
            metricsListen: try ProcessMetrics.listenSetting.readIfSet(from: source),
            database: try PostgresLocation.read(from: source)
        )
    }
}
