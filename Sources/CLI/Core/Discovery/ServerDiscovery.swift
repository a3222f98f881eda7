import Foundation
import Shared

/// Where an MCP URL's authorization server is and what it serves, found as MCP clients find it: the
/// protected-resource metadata (RFC 9728 §3, path-inserted first, then the root document), its first
/// authorization server, then that server's metadata (RFC 8414 §3), whose `issuer` must be the same string
/// (§3.3).
struct ServerEndpoints: Codable, Equatable, Sendable {
    /// The MCP URL as the resource-server names it (RFC 9728 `resource`): the key of the stored login.
    var resource: String
    var issuer: String
    var tokenEndpoint: String
    var deviceAuthorizationEndpoint: String?
    var revocationEndpoint: String?

    enum CodingKeys: String, CodingKey {
        case resource, issuer
        case tokenEndpoint = "token_endpoint"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
        case revocationEndpoint = "revocation_endpoint"
    }
}

enum ServerDiscovery {
    static func discover(mcpURL: String, http: HTTPExchange) async throws(CLIFailure) -> ServerEndpoints {
        let url = try MCPAddress.check(mcpURL)
        guard let metadata = try await protectedResourceMetadata(for: url, http: http) else {
            throw .usage("\(url) publishes no protected-resource metadata (RFC 9728): is it the MCP URL of a Gatehouse install?")
        }
        guard let resource = metadata["resource"] as? String, MCPAddress.same(resource, url) else {
            throw .usage("\(url) names another resource in its metadata (\(metadata["resource"] ?? "none")): use the MCP URL it names")
        }
        guard let issuer = (metadata["authorization_servers"] as? [Any])?.first as? String, ServerURL.check(issuer, allowPath: true) == nil else {
            throw .usage("\(url) names no usable authorization server in its metadata")
        }
        let reply = try await http.getJSON(authorizationServerMetadataURL(issuer: issuer))
        guard reply.status == 200, let server = reply.json else {
            throw .unreachable("the authorization server \(issuer) answered its metadata request with HTTP \(reply.status): try again later")
        }
        // RFC 8414 §3.3: metadata for another issuer must not be used.
        guard server["issuer"] as? String == issuer, let token = server["token_endpoint"] as? String else {
            throw .usage("the authorization server's metadata does not belong to \(issuer)")
        }
        return ServerEndpoints(
            resource: resource, issuer: issuer, tokenEndpoint: token,
            deviceAuthorizationEndpoint: server["device_authorization_endpoint"] as? String,
            revocationEndpoint: server["revocation_endpoint"] as? String)
    }

    private static func protectedResourceMetadata(for url: String, http: HTTPExchange) async throws(CLIFailure) -> [String: Any]? {
        let inserted = ProtectedResourceMetadataLocation.url(forResource: url)
        var candidates = [inserted]
        let root = HTTPExchange.origin(of: url) + ProtectedResourceMetadataLocation.wellKnownPrefix
        if root != inserted { candidates.append(root) }
        for candidate in candidates {
            let reply = try await http.getJSON(candidate)
            if reply.status == 200, let metadata = reply.json { return metadata }
        }
        return nil
    }

    /// RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path.
    static func authorizationServerMetadataURL(issuer: String) -> String {
        let origin = HTTPExchange.origin(of: issuer)
        let path = URLComponents(string: issuer)?.path ?? ""
        return origin + "/.well-known/oauth-authorization-server" + (path == "/" ? "" : path)
    }
}

/// MCP URLs as people type them.
enum MCPAddress {
    /// An absolute http(s) URL, https unless loopback (tokens cross it), with no user info or fragment.
    static func check(_ raw: String) throws(CLIFailure) -> String {
        let url = raw.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil, components.fragment == nil
        else { throw .usage("'\(raw)' is not an MCP URL: give the full https address, e.g. https://acme.example.com/mcp") }
        if scheme == "http", !LoopbackHost.contains(host) {
            throw .usage("'\(raw)' uses plain http: tokens would cross the network readable; use its https address")
        }
        return url
    }

    /// The same resource, compared as resource indicators are: scheme and host case, and a trailing slash, aside.
    static func same(_ first: String, _ second: String) -> Bool { normalised(first) == normalised(second) }

    static func normalised(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string ?? url
    }
}
