import Shared

/// Every policy default of the auth-server in one place, each with its reason.
public enum AuthPolicy {
    /// Access tokens live at most an hour: long enough that connectors which refresh late (requirements
    /// R48) keep working, short enough that revocation by grant (checked by the resource-server) and key
    /// rotation catch up quickly.
    public static let accessTokenMaxLifetime: Int64 = 3600

    /// A retired signing key stays in the JWKS until every token it signed has expired, plus the verifier's
    /// clock leeway, so rotation never breaks a token in flight.
    public static let retiredKeyPublication: Int64 = accessTokenMaxLifetime + AccessTokenVerifier.leewaySeconds

    /// OWASP's minimum argon2id parameters (m = 19 MiB, t = 2, p = 1): about 50 ms per hash here.
    public static let argon2MemoryKiB: UInt32 = 19_456
    public static let argon2Iterations: UInt32 = 2
    public static let argon2Parallelism: UInt32 = 1

    /// The client id stamped on tokens minted by `auth-server admin token issue`.
    public static let adminCLIClientID = "gatehouse-admin-cli"

    /// Client ID Metadata Documents and every other fetch of a URL a client names (its `jwks_uri`).
    /// Each such fetch is made on behalf of whoever typed the URL, so it is small, quick and never retried.
    public enum MetadataDocuments {
        /// The CIMD draft's recommended ceiling (§ Maximum Response Size); real documents are under 1 KB.
        public static let maxDocumentBytes = 5 * 1024
        /// A JWKS with a handful of RSA keys during a rotation is a few KB; 64 KB leaves room and no more.
        public static let maxJWKSBytes = 64 * 1024
        /// A host that cannot complete a TCP (and TLS) handshake in 3 s will not serve a sign-in page well either.
        public static let connectTimeout: Duration = .seconds(3)
        /// The whole fetch (name resolution, connection, headers and body) ends by then, so a server that
        /// trickles bytes cannot hold an /authorize request open.
        public static let totalTimeout: Duration = .seconds(5)
        /// Cache bounds (CIMD § Caching): at least a minute, so `max-age=0` cannot turn every sign-in into a
        /// fetch; at most a day, so a client's changed redirect URIs are seen the next day at the latest.
        public static let minimumCacheSeconds: Double = 60
        public static let maximumCacheSeconds: Double = 24 * 3600
        /// Used when the response names no lifetime: long enough for one sign-in and its token exchange.
        public static let defaultCacheSeconds: Double = 5 * 60
        /// Anyone can make us fetch a URL of their choosing, so the cache is bounded too.
        public static let maxCachedDocuments = 1000
        /// Longer client ids are refused before any parsing; real ones are well under 200 characters.
        public static let maxClientIDLength = 2048
    }
}
