import Foundation

/// How a client identified or authenticated itself at the token or revocation endpoint (RFC 6749 §2.3),
/// read from the request alone; whether the method is the client's registered one, and whether the
/// secret or assertion is good, is for the endpoint to check next.
public enum ClientCredentials: Sendable, Equatable, CustomStringConvertible {
    /// A public client: only its id (RFC 6749 §2.3 gives it nothing to prove; PKCE does that).
    case none(clientID: String)
    /// RFC 6749 §2.3.1 with HTTP Basic.
    case secretBasic(clientID: String, secret: String)
    /// RFC 6749 §2.3.1 in the form body.
    case secretPost(clientID: String, secret: String)
    /// RFC 7523 §2.2; verify with `ClientAssertionVerifier`.
    case privateKeyJWT(clientID: String, assertionType: String, assertion: String)

    /// Reads the `Authorization` header and the form-encoded body. More than one method at once is refused
    /// (RFC 6749 §2.3: a client "MUST NOT use more than one authentication method in each request"). An
    /// empty secret, in Basic or in the form, counts as none: some public-client libraries send one.
    /// When the header was present and this throws, RFC 6749 §5.2 asks for 401 with `WWW-Authenticate: Basic`.
    public init(authorization: String?, form: [String: String]) throws(ClientCredentialsError) {
        let formClientID = form["client_id"].flatMap { $0.isEmpty ? nil : $0 }
        let formSecret = form["client_secret"].flatMap { $0.isEmpty ? nil : $0 }
        let assertionType = form["client_assertion_type"], assertion = form["client_assertion"]
        let usesAssertion = assertionType != nil || assertion != nil
        guard [authorization != nil, formSecret != nil, usesAssertion].filter({ $0 }).count <= 1 else { throw .multipleMethods }

        if let authorization {
            let (clientID, secret) = try Self.basicCredentials(authorization)
            // A client may repeat its id in the body (RFC 6749 §3.2.1 allows it); it must be the same one.
            guard formClientID == nil || formClientID == clientID else { throw .conflictingClientID }
            self = secret.isEmpty ? .none(clientID: clientID) : .secretBasic(clientID: clientID, secret: secret)
        } else if let formSecret {
            guard let formClientID else { throw .missingClientID }
            self = .secretPost(clientID: formClientID, secret: formSecret)
        } else if usesAssertion {
            guard let assertionType, !assertionType.isEmpty, let assertion, !assertion.isEmpty else { throw .incompleteAssertion }
            // RFC 7523 §3.1: client_id is optional here; the assertion's sub names the client, and the
            // verifier holds it to that client's keys.
            guard let clientID = formClientID ?? ClientAssertionVerifier.claimedClientID(in: assertion) else { throw .missingClientID }
            self = .privateKeyJWT(clientID: clientID, assertionType: assertionType, assertion: assertion)
        } else {
            guard let formClientID else { throw .missingClientID }
            self = .none(clientID: formClientID)
        }
    }

    public var clientID: String {
        switch self {
        case .none(let clientID), .secretBasic(let clientID, _), .secretPost(let clientID, _), .privateKeyJWT(let clientID, _, _): clientID
        }
    }

    /// The method's `token_endpoint_auth_method` name (RFC 7591 §2), to compare with the client's.
    public var method: String {
        switch self {
        case .none: "none"
        case .secretBasic: "client_secret_basic"
        case .secretPost: "client_secret_post"
        case .privateKeyJWT: "private_key_jwt"
        }
    }

    /// Method and client only: never the secret or the assertion.
    public var description: String { "\(method) client_id=\(clientID)" }

    /// RFC 6749 §2.3.1 with RFC 7617: `Basic base64(id ":" secret)`, where id and secret are each
    /// form-urlencoded first (RFC 6749 Appendix B), so a `:` or a non-ASCII character in either survives.
    private static func basicCredentials(_ header: String) throws(ClientCredentialsError) -> (clientID: String, secret: String) {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else {
            throw parts.first?.lowercased() == "basic" ? .malformedAuthorization : .unsupportedAuthorizationScheme
        }
        var encoded = Array(parts[1].utf8)
        while let first = encoded.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { encoded.removeFirst() }
        while let last = encoded.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { encoded.removeLast() }
        // Unpadded base64 is common enough to accept.
        if encoded.count % 4 != 0 { encoded += Array(repeating: UInt8(ascii: "="), count: 4 - encoded.count % 4) }
        guard let decoded = Data(base64Encoded: Data(encoded)), let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
            let clientID = FormParameters.decode(decoded[..<colon]), !clientID.isEmpty,
            let secret = FormParameters.decode(decoded[decoded.index(after: colon)...])
        else { throw .malformedAuthorization }
        return (clientID, secret)
    }
}
