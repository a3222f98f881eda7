import Foundation

/// The rules for a URL the servers are known by: an issuer, an MCP resource, where the resource-server
/// reaches the auth-server, and the same for every tenant.
///
/// - Absolute, with no user info, query, fragment or trailing slash: issuer and resource strings are compared
///   byte for byte by clients (RFC 8414 §3.3, RFC 9728 §3.3), so ambiguity is refused here.
/// - https, unless the host is loopback: tokens, codes and passwords cross these URLs, and over plain http an
///   on-path attacker could read them or, on the resource-server's link to the auth-server, inject signing
///   keys and hide revocations (OAuth 2.1 §1.5; loopback as `LoopbackHost` defines it).
/// - An issuer has no path (`allowPath: false`): our endpoints live at the origin's root, so clients find the
///   metadata at the first URL they try (MCP authorization spec (2025-11-25) § Authorization Server Metadata
///   Discovery).
public enum ServerURL {
    /// What is wrong with `raw`, in words fit for a setting error; nil when it is fine.
    public static func check(_ raw: String, allowPath: Bool) -> SettingProblem? {
        guard let url = URLComponents(string: raw), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return SettingProblem("must be an absolute https URL, got '\(raw)'") }
        // Checked first, so no later message repeats a password.
        if url.user != nil || url.password != nil { return SettingProblem("must not carry user info") }
        if url.query != nil || url.fragment != nil { return SettingProblem("must not have a query or fragment, got '\(raw)'") }
        if raw.hasSuffix("/") { return SettingProblem("must not end with a slash, got '\(raw)'") }
        if !allowPath, !url.path.isEmpty {
            return SettingProblem("must be an origin without a path (clients derive well-known URLs from it), got '\(raw)'")
        }
        if scheme == "http", !LoopbackHost.contains(host) {
            return SettingProblem("must use https unless its host is loopback (127.0.0.0/8, ::1, localhost), got '\(raw)'")
        }
        return nil
    }
}
