/// The JOSE header members our verifiers read (RFC 7515 §4.1). Members not listed are ignored; in
/// particular `jku`, `jwk` and `x5u` are never followed: keys come only from where we look them up.
public struct JWSHeader: Codable, Sendable, Equatable {
    public var alg: String
    public var typ: String?
    public var kid: String?
    /// RFC 7515 §4.1.11: extensions the recipient must understand; every verifier here understands none.
    public var crit: [String]?

    public init(alg: String, typ: String? = nil, kid: String? = nil, crit: [String]? = nil) {
        self.alg = alg
        self.typ = typ
        self.kid = kid
        self.crit = crit
    }
}
