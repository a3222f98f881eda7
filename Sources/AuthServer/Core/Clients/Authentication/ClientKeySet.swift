import Foundation

/// Where a client's assertion keys come from: its `jwks` (the JWK Set itself) or its `jwks_uri`, as its
/// registration or metadata document gives them (RFC 7591 §2: one or the other, never both).
public enum ClientKeySet: Sendable, Hashable {
    /// The raw JSON of the `jwks` member.
    case jwks(Data)
    /// Fetched through `ClientJWKSCache`.
    case jwksURI(URL)
}
