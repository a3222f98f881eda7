/// RFC 8414 §2 authorization server metadata. Names only endpoints that exist; every URL is built from
/// the tenant's issuer string, which is byte-identical to what the protected-resource metadata names
/// (RFC 8414 §3.3, requirements R16).
struct AuthorizationServerMetadata: Codable, Equatable {
    var issuer: String
    var jwksURI: String
    /// REQUIRED by RFC 8414 §2; the authorization endpoint that serves it comes with connector sign-in.
    var responseTypesSupported: [String]

    enum CodingKeys: String, CodingKey {
        case issuer
        case jwksURI = "jwks_uri"
        case responseTypesSupported = "response_types_supported"
    }

    init(issuer: String) {
        self.issuer = issuer
        self.jwksURI = issuer + AuthServerPaths.jwks
        self.responseTypesSupported = ["code"]
    }
}

/// The auth-server's fixed paths, in one place.
enum AuthServerPaths {
    static let metadata = "/.well-known/oauth-authorization-server"
    static let jwks = "/oauth/jwks.json"
    static let health = "/healthz"
}
