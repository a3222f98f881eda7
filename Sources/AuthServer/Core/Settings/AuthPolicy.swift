import Foundation
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

    /// RFC 6749 §4.1.2 recommends at most ten minutes; a minute is plenty for a client already waiting
    /// on its redirect, and shortens what a leaked code is worth.
    public static let authorizationCodeLifetime: TimeInterval = 60

    /// Refresh tokens slide: each rotation gets a fresh 30 days, so a connector used monthly stays
    /// connected and an abandoned one ages out (DESIGN "Tokens").
    public static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600

    /// How long the consent page may stay open before the request must start again.
    public static let consentRequestLifetime: TimeInterval = 10 * 60

    /// Token, revocation and registration requests are small; anything larger is refused unread.
    public static let formBodyLimit = 64 * 1024
    public static let registrationBodyLimit = 16 * 1024

    /// Dynamic registration is open to anyone (RFC 7591 §3), and Claude registers on every fresh
    /// connection, sometimes twice (R36): generous for real clients, a wall for a script.
    public static let registrationsPerAddressPerHour = 30

    /// Dynamically registered clients nobody has used for this long are deleted with their grants (R36).
    public static let unusedClientLifetime: TimeInterval = 30 * 24 * 3600

    /// `prompt=login` is satisfied by a sign-in this recent; older ones send the person to sign in again.
    public static let freshSignIn: TimeInterval = 5 * 60

    /// Room for any real app name ("Claude Code (my-server)", R35) without letting a registration fill a page.
    public static let maxClientNameLength = 200
}
