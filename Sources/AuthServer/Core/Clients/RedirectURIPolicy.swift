import Foundation

/// Which redirect URIs a client may register and how a request's redirect URI is matched against them.
public enum RedirectURIPolicy {
    /// RFC 8252 §7.3 loopback hosts (plus `localhost`, which Claude Code's metadata document lists: docs/clients.md § Claude Code).
    static let loopbackHosts: Set<String> = ["127.0.0.1", "[::1]", "::1", "localhost"]

    /// ChatGPT's per-connector callbacks live under this prefix, unknown in advance (docs/clients.md § ChatGPT).
    /// Only a pinned document may list it: anyone else asks for exact URIs.
    static let chatGPTConnectorPrefix = "https://chatgpt.com/connector/oauth/"

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case notAbsolute(String)
        case fragment(String)
        case insecure(String)
        case forbiddenScheme(String)

        public var description: String {
            switch self {
            case .notAbsolute(let uri): "\(uri) is not an absolute URI"
            case .fragment(let uri): "\(uri) has a fragment"
            case .insecure(let uri): "\(uri) uses http on a host that is not loopback: use https"
            case .forbiddenScheme(let uri): "\(uri) uses a scheme that cannot be a redirect target"
            }
        }
    }

    /// RFC 7591 §2 with OAuth 2.1 §2.3.1: https, http on loopback only (RFC 8252 §7.3), or a
    /// private-use scheme in reverse-domain form for native apps (RFC 8252 §7.1).
    public static func validateForRegistration(_ uri: String) throws(Problem) {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else { throw .notAbsolute(uri) }
        guard components.fragment == nil else { throw .fragment(uri) }
        switch scheme {
        case "https":
            guard components.host?.isEmpty == false else { throw .notAbsolute(uri) }
        case "http":
            guard let host = components.host?.lowercased(), loopbackHosts.contains(host) else { throw .insecure(uri) }
        default:
            guard scheme.contains("."), !["javascript", "data", "file", "vbscript"].contains(scheme) else { throw .forbiddenScheme(uri) }
        }
    }

    /// OAuth 2.1 §4.1.3 exact matching, with two exceptions: loopback redirects match whatever port the
    /// native app opened (RFC 8252 §7.3), and, for a client the operator pinned (`trustsConnectorPrefix`),
    /// ChatGPT's connector prefix matches any single callback segment under it on that host.
    public static func matches(requested: String, registered: [String], trustsConnectorPrefix: Bool = false) -> Bool {
        if registered.contains(requested) { return true }
        guard let request = URLComponents(string: requested), request.fragment == nil else { return false }
        if let host = request.host?.lowercased(), request.scheme?.lowercased() == "http", loopbackHosts.contains(host) {
            return registered.contains { candidate in
                guard let candidate = URLComponents(string: candidate), candidate.scheme?.lowercased() == "http",
                    candidate.host?.lowercased() == host
                else { return false }
                return candidate.path == request.path && candidate.query == request.query
            }
        }
        if trustsConnectorPrefix, requested.hasPrefix(chatGPTConnectorPrefix), registered.contains(chatGPTConnectorPrefix) {
            let rest = requested.dropFirst(chatGPTConnectorPrefix.count)
            return !rest.isEmpty && rest.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        }
        return false
    }

    public static func isLoopback(_ uri: String) -> Bool {
        guard let components = URLComponents(string: uri), let host = components.host?.lowercased() else { return false }
        return loopbackHosts.contains(host)
    }

    /// A redirect that lands in a program on the person's own device: a loopback port or a private-use URI
    /// scheme. Any program there can open an authorize URL with it, so whoever receives the code cannot be
    /// told apart from the app it claims to be (RFC 8252 §8.6).
    public static func isNativeApp(_ uri: String) -> Bool {
        guard let scheme = URLComponents(string: uri)?.scheme?.lowercased() else { return false }
        return scheme != "https" && (scheme != "http" || isLoopback(uri))
    }
}
