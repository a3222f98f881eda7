import Foundation

/// The origin of a URL as written, `scheme://host[:port]` (RFC 6454 §4, without lowercasing): where the
/// resource-server's well-known documents and its other endpoints live, whatever the resource's path.
public enum URLOrigin {
    public static func of(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else { return nil }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
    }
}
