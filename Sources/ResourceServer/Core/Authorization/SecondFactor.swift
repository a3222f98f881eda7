import Foundation
import Shared
import ToolKit

/// High-trust tools need a second factor within the last 15 minutes. Real MCP clients ignore RFC 9470
/// challenges, so elevation is a scope, `mfa`, that we ask for with 403 `insufficient_scope`
/// (docs/tokens.md § MFA elevation): the auth-server grants it only after a fresh second factor and stamps
/// `auth_time`; this is the one place that decides whether a caller is elevated. Until the auth-server
/// grants `mfa`, nobody is, and every high-trust call is answered with the challenge.
public enum SecondFactor {
    /// Listed in the auth-server's scopes, never in the protected-resource metadata, so clients only
    /// ask for it when challenged.
    public static let scope = "mfa"
    /// How old the second factor may be.
    public static let maximumAge: Int64 = 900
    /// The clock leeway tokens get everywhere else.
    static let leeway: Int64 = 30

    public static func isFresh(_ caller: Caller, now: Date) -> Bool {
        guard caller.scopes.contains(scope), let authTime = caller.claims.authTime else { return false }
        let age = Int64(now.timeIntervalSince1970) - authTime
        return age >= -leeway && age <= maximumAge
    }

    /// Where a person elevates a personal access token, which cannot step up through OAuth: the account
    /// page of the tenant's issuer (docs/tokens.md § MFA elevation).
    public static func elevationURL(issuer: String) -> String { issuer + "/account/security" }
}
