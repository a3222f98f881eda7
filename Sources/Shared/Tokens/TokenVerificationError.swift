/// Why an access token was refused. The description is safe to send back in `error_description`: it
/// says what was wrong, never what the token contained.
public enum TokenVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed
    case unsupportedAlgorithm
    case wrongType
    case unknownKey
    case badSignature
    case wrongIssuer
    case wrongAudience
    case wrongTenant
    case expired
    case notYetValid
    /// The grant behind the token was ended (the person, an admin, or a replayed credential).
    case revoked
    /// The auth-server does not vouch for the personal access token: unknown, expired, revoked or of another tenant
    /// (introspection says which to nobody, RFC 7662 §2.2).
    case inactiveToken

    public var description: String {
        switch self {
        case .malformed: "The access token is malformed"
        case .unsupportedAlgorithm: "The access token is not signed with ES256"
        case .wrongType: "The token is not an access token (typ must be at+jwt)"
        case .unknownKey: "The access token is signed with an unknown key"
        case .badSignature: "The access token signature is invalid"
        case .wrongIssuer: "The access token was issued by another authorization server"
        case .wrongAudience: "The access token was issued for another resource"
        case .wrongTenant: "The access token belongs to another tenant"
        case .expired: "The access token has expired"
        case .notYetValid: "The access token is not valid yet"
        case .revoked: "The access token's grant has been revoked"
        case .inactiveToken: "The personal access token is not active: unknown, expired or revoked"
        }
    }
}
