/// Why a request's client credentials could not be read. Every case is `invalid_client` at the endpoint
/// (RFC 6749 §5.2); the description is for our logs and never repeats what was sent.
public enum ClientCredentialsError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedAuthorization
    case unsupportedAuthorizationScheme
    case multipleMethods
    case conflictingClientID
    case incompleteAssertion
    case missingClientID

    public var description: String {
        switch self {
        case .malformedAuthorization: "the Authorization header is not valid HTTP Basic with form-urlencoded id and secret"
        case .unsupportedAuthorizationScheme: "the Authorization header uses a scheme other than Basic"
        case .multipleMethods: "the request uses more than one client authentication method"
        case .conflictingClientID: "the client_id in the body differs from the one in the Authorization header"
        case .incompleteAssertion: "client_assertion and client_assertion_type must both be present"
        case .missingClientID: "the request does not say which client it is from"
        }
    }
}
