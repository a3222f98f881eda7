extension ClientMetadataDocument {
    /// Why a metadata document was refused. `description` completes "The client's metadata document …"
    /// on an error page, so the client's developer can see what to fix.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notJSONObject
        /// Absent, null or empty.
        case missing(String)
        case wrongType(String, expected: String)
        /// The document's client_id must equal the URL it was fetched from, byte for byte (CIMD draft
        /// § Client Metadata Document).
        case clientIDMismatch(found: String)
        /// `client_secret`, `client_secret_expires_at` and the like have no place in a public document (CIMD draft
        /// § Client Metadata Document).
        case clientSecretMember(String)
        /// `client_secret_basic`, `client_secret_post`, `client_secret_jwt`: no secret can be shared through a public document.
        case sharedSecretMethod(String)
        case unsupportedAuthMethod(String)
        case invalidRedirectURI(String, reason: String)
        /// `private_key_jwt` without `jwks_uri` or `jwks`.
        case keysMissing
        /// Both `jwks_uri` and `jwks` (RFC 7591 §2 forbids it).
        case keysTwice
        case invalidJWKSURI(String)
        case invalidJWKS
        case privateKeyMaterial

        public var description: String {
            switch self {
            case .notJSONObject: "is not a JSON object"
            case .missing(let member): "has no \(member)"
            case .wrongType(let member, let expected): "has a \(member) that is not \(expected)"
            case .clientIDMismatch(let found): "names the client_id '\(found)', which is not the address it was fetched from"
            case .clientSecretMember(let member): "contains '\(member)'; a public document cannot hold a client secret"
            case .sharedSecretMethod(let method): "asks for token_endpoint_auth_method '\(method)', a shared secret, which a metadata document cannot use"
            case .unsupportedAuthMethod(let method): "asks for token_endpoint_auth_method '\(method)'; Gatehouse accepts 'none' and 'private_key_jwt'"
            case .invalidRedirectURI(let uri, let reason): "lists the redirect URI '\(uri)', which \(reason)"
            case .keysMissing: "asks for private_key_jwt but names neither jwks_uri nor jwks"
            case .keysTwice: "names both jwks_uri and jwks; it may name only one"
            case .invalidJWKSURI(let uri): "names the jwks_uri '\(uri)', which is not an absolute https URL without a fragment"
            case .invalidJWKS: "has a jwks that is not a JSON Web Key Set with at least one key"
            case .privateKeyMaterial: "publishes private or symmetric key material in its jwks"
            }
        }
    }
}
