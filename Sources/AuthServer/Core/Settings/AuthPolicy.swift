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
}
