import Foundation

/// MFA elevation, as both servers must agree on it (docs/tokens.md § MFA elevation). High-trust tools need
/// the `mfa` scope with an `auth_time` no older than the window: real MCP clients ignore RFC 9470
/// challenges, so the resource-server asks for a scope with `403 insufficient_scope`, and the auth-server
/// grants that scope only after a code entered for that very request, stamps `auth_time`, `acr` and `amr`,
/// and lets the token live no longer than the window.
public enum Elevation {
    /// In the auth-server's `scopes_supported`, never in the protected-resource metadata's: a connector
    /// must not ask for it up front, only when a call is refused for lack of it.
    public static let scope = "mfa"

    /// `GATEHOUSE_ELEVATION_SECONDS`, the same on both servers: how long a second factor entered for an
    /// elevation counts. 15 minutes covers a run of high-trust calls in one conversation; an hour is the
    /// most, because that is an access token's whole life.
    public static let defaultWindowSeconds = 900
    public static let windowRange = 60...3600

    public static let setting = Setting<Int>.integer("ELEVATION_SECONDS", default: defaultWindowSeconds, range: windowRange)

    /// The clock leeway tokens get everywhere else.
    public static let leewaySeconds = AccessTokenVerifier.leewaySeconds

    /// The window in words for people and models: "15 minutes", "1 minute", "90 seconds".
    public static func describe(windowSeconds: Int) -> String {
        guard windowSeconds % 60 == 0 else { return "\(windowSeconds) seconds" }
        let minutes = windowSeconds / 60
        return minutes == 1 ? "1 minute" : "\(minutes) minutes"
    }

    /// Whether a token with these scopes and `auth_time` is elevated at `now`.
    public static func isFresh(scopes: some Collection<String>, authTime: Int64?, now: Date, windowSeconds: Int) -> Bool {
        guard scopes.contains(scope), let authTime else { return false }
        let age = Int64(now.timeIntervalSince1970) - authTime
        return age >= -leewaySeconds && age <= Int64(windowSeconds)
    }
}

/// Authentication context classes (RFC 9470 §3 `acr_values`; OpenID Connect Core §2 `acr`), as the REFEDS
/// assurance profiles name them: a password alone, or a password and a second factor.
public enum AuthenticationContext: String, Sendable, CaseIterable {
    case singleFactor = "https://refeds.org/profile/sfa"
    case multiFactor = "https://refeds.org/profile/mfa"
}

/// `amr` values (RFC 8176 §2) the auth-server records: what a person used to sign in or to elevate.
public enum AuthenticationMethod: String, Sendable, CaseIterable {
    case password = "pwd"
    /// A TOTP code from an authenticator app (RFC 6238).
    case oneTimePassword = "otp"
    /// One of the person's single-use recovery codes: a one-time code, but not from their device. Not an
    /// RFC 8176 value (§2 allows others); audit and risk rules can tell it from `otp`.
    case recoveryCode = "rcode"
    /// More than one factor was used (RFC 8176 §2).
    case multiFactor = "mfa"
}
