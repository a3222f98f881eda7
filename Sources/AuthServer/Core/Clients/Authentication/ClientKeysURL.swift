import Foundation
import Shared

/// Where the keys of a `private_key_jwt` client may be fetched (RFC 7591 §2 `jwks_uri`), for registered
/// clients and metadata documents alike: an absolute https URL with a host, without fragment or
/// credentials; plain http only to a loopback host, and only when `allowLoopbackHTTP`
/// (GATEHOUSE_CIMD_ALLOW_LOOPBACK, for local tests).
enum ClientKeysURL {
    static func parse(_ text: String, allowLoopbackHTTP: Bool) -> URL? {
        guard let components = URLComponents(string: text), let host = components.host, !host.isEmpty,
            components.fragment == nil, components.user == nil, components.password == nil
        else { return nil }
        switch components.scheme?.lowercased() {
        case "https": break
        case "http" where allowLoopbackHTTP && LoopbackHost.contains(host): break
        default: return nil
        }
        return URL(string: text)
    }
}
