/// Why a client assertion was refused. Every case is `invalid_client` at the endpoint (RFC 6749 §5.2,
/// RFC 7523 §3.2); the description is for our logs and names the rule, never the assertion's content.
public enum ClientAssertionError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongAssertionType
    case tooLarge
    case malformed
    case unsupportedAlgorithm
    case unsupportedCriticalHeader
    case unknownKey
    case ambiguousKey
    case keyAlgorithmMismatch
    case keysUnavailable
    case badSignature
    case wrongIssuer
    case wrongSubject
    case wrongAudience
    case missingExpiry
    case expired
    case lifetimeTooLong
    case notYetValid
    case issuedInFuture
    case missingTokenID
    case replayed
    case replayCheckUnavailable

    public var description: String {
        switch self {
        case .wrongAssertionType: "client_assertion_type is not urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        case .tooLarge: "the client assertion is longer than we accept"
        case .malformed: "the client assertion is not a compact JWS with JSON claims"
        case .unsupportedAlgorithm: "the client assertion is not signed with RS256, PS256, ES256 or EdDSA"
        case .unsupportedCriticalHeader: "the client assertion names critical header extensions"
        case .unknownKey: "no key of the client matches the assertion's kid and alg"
        case .ambiguousKey: "several keys of the client fit the assertion; it needs a kid"
        case .keyAlgorithmMismatch: "the client's key with this kid cannot verify the assertion's alg"
        case .keysUnavailable: "the client's JWK Set could not be fetched or read"
        case .badSignature: "the client assertion's signature is invalid"
        case .wrongIssuer: "the client assertion's iss is not the client_id"
        case .wrongSubject: "the client assertion's sub is not the client_id"
        case .wrongAudience: "the client assertion's aud names neither our issuer nor our token endpoint"
        case .missingExpiry: "the client assertion has no exp"
        case .expired: "the client assertion has expired"
        case .lifetimeTooLong: "the client assertion lives longer than we accept"
        case .notYetValid: "the client assertion is not valid yet (nbf)"
        case .issuedInFuture: "the client assertion's iat is in the future"
        case .missingTokenID: "the client assertion has no usable jti"
        case .replayed: "the client assertion's jti was already used"
        case .replayCheckUnavailable: "the client assertion's jti could not be recorded"
        }
    }
}
