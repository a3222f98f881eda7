import Foundation
import Shared

/// Which kind of `client_id` a request names (CIMD draft § Client Identifier).
/// A client_id that is an https URL with a path names a Client ID Metadata Document. Anything else
/// that looks like a URL is refused with the reason, so /authorize can show a page that says what is
/// wrong; everything else is a plain identifier (DCR or first-party), which never contains "://".
public enum CIMDClientIdentifier {
    public enum Kind: Equatable, Sendable {
        /// A valid metadata document URL: fetch it, or use its pinned copy.
        case metadataDocument
        /// An opaque identifier, looked up among registered clients.
        case plain
        /// Looks like a URL but cannot be a metadata document URL.
        case invalidURL(Problem)
    }

    /// `description` completes "This client_id …" on an error page.
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case tooLong
        case invalidCharacters
        case notHTTPS
        case userInfo
        case noHost
        case invalidPort
        case noPath
        case dotSegment
        case query
        case fragment
        case malformed

        public var description: String {
            switch self {
            case .tooLong: "is longer than \(AuthPolicy.MetadataDocuments.maxClientIDLength) characters"
            case .invalidCharacters: "contains spaces, backslashes, control or non-ASCII characters (write international host names in punycode)"
            case .notHTTPS: "is not an https URL (a metadata document URL must start with https://)"
            case .userInfo: "carries a user name or password before its host"
            case .noHost: "has no host"
            case .invalidPort: "has an invalid port"
            case .noPath: "has no path after its host (a metadata document URL needs one, e.g. https://example.com/client.json)"
            case .dotSegment: "contains a '.' or '..' path segment"
            case .query: "has a query string (?…), which Gatehouse does not accept in a metadata document URL"
            case .fragment: "has a fragment (#…)"
            case .malformed: "is not a well-formed URL"
            }
        }
    }

    /// `allowLoopbackHTTP` (GATEHOUSE_CIMD_ALLOW_LOOPBACK) also accepts `http://` URLs whose host is
    /// `localhost`, 127.0.0.0/8 or [::1], so tests can serve documents from a local server.
    public static func classify(_ clientID: String, allowLoopbackHTTP: Bool) -> Kind {
        guard looksLikeURL(clientID) else { return .plain }
        if let problem = problem(with: clientID, allowLoopbackHTTP: allowLoopbackHTTP) { return .invalidURL(problem) }
        return .metadataDocument
    }

    static func looksLikeURL(_ clientID: String) -> Bool {
        let lowered = clientID.prefix(8).lowercased()
        return clientID.contains("://") || lowered.hasPrefix("https:") || lowered.hasPrefix("http:")
    }

    private static func problem(with clientID: String, allowLoopbackHTTP: Bool) -> Problem? {
        if clientID.count > AuthPolicy.MetadataDocuments.maxClientIDLength { return .tooLong }
        if !clientID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) && $0 != "\\" }) { return .invalidCharacters }
        // Exact, lowercase scheme: the document's client_id is compared to this string byte for byte
        // (CIMD draft § Client Metadata Document), so accepting other spellings would only create several ids for one document.
        let rest: Substring
        if clientID.hasPrefix("https://") {
            rest = clientID.dropFirst("https://".count)
        } else if allowLoopbackHTTP, clientID.hasPrefix("http://") {
            rest = clientID.dropFirst("http://".count)
        } else {
            return .notHTTPS
        }
        if clientID.contains("#") { return .fragment }
        // The draft says a client_id SHOULD NOT have a query; we refuse one. Ids that differ only in
        // their query would be different clients on one page of one server, the consent screen names
        // the host and not the query, and no known client uses one, so accepting them buys nothing.
        if clientID.contains("?") { return .query }
        guard let slash = rest.firstIndex(of: "/") else { return .noPath }
        let authority = rest[..<slash]
        let path = rest[slash...]
        if authority.contains("@") { return .userInfo }
        guard let hostAndPort = splitAuthority(authority), !hostAndPort.host.isEmpty else { return .noHost }
        let (host, port) = hostAndPort
        if let port, !(port.allSatisfy(\.isNumber) && (Int(port).map { (1...65535).contains($0) } ?? false)) { return .invalidPort }
        if path == "/" { return .noPath }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        if segments.contains(where: isDotSegment) { return .dotSegment }
        if host.hasPrefix("["), IPAddress(String(host))?.isIPv4 != false { return .malformed }
        guard let components = URLComponents(string: clientID), components.host?.isEmpty == false else { return .malformed }
        if clientID.hasPrefix("http://"), !LoopbackHost.contains(String(host)) { return .notHTTPS }
        return nil
    }

    /// Host and optional port; an IPv6 literal keeps its brackets.
    private static func splitAuthority(_ authority: Substring) -> (host: Substring, port: Substring?)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else { return nil }
            return (host, after.dropFirst())
        }
        guard let colon = authority.firstIndex(of: ":") else { return (authority, nil) }
        return (authority[..<colon], authority[authority.index(after: colon)...])
    }

    /// "." and "..", also percent-encoded, since servers may decode them before resolving the path.
    private static func isDotSegment(_ segment: Substring) -> Bool {
        let decoded = segment.replacingOccurrences(of: "%2e", with: ".", options: .caseInsensitive)
        return decoded == "." || decoded == ".."
    }

}
