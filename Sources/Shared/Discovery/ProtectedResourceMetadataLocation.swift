import Foundation

/// Where a resource's RFC 9728 metadata lives: the resource-server serves it there, the auth-server reads
/// the tool list from it for the consent page.
public enum ProtectedResourceMetadataLocation {
    public static let wellKnownPrefix = "/.well-known/oauth-protected-resource"

    /// RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
    public static func url(forResource resource: String) -> String {
        guard let origin = URLOrigin.of(resource), let components = URLComponents(string: resource) else { return resource }
        let path = components.path == "/" ? "" : components.path
        return origin + wellKnownPrefix + path
    }
}
