/// The auth-server's answer about a token (RFC 7662 §2.2), as both servers write and read it. An active
/// token's answer carries the claims its holder acts with, under the names an access token gives them
/// (RFC 9068 §2.2, so `sub`, `scope`, `client_id`, `exp`, `iat` are RFC 7662's own), plus `token_type` and
/// our `token_kind`. An inactive one carries `active: false` and nothing else (§2.2: nothing that would tell
/// an unknown token from a revoked one).
public struct IntrospectionAnswer: Decodable, JSONObjectWritable, Sendable, Equatable {
    /// What kind of credential the token is, in the audit trail's words.
    public enum Kind: String, Codable, Sendable {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case personalAccessToken = "pat"
    }

    public var active: Bool
    public var kind: Kind?
    public var claims: AccessTokenClaims?

    public static let inactive = IntrospectionAnswer(active: false, kind: nil, claims: nil)

    public static func active(_ kind: Kind, claims: AccessTokenClaims) -> IntrospectionAnswer {
        IntrospectionAnswer(active: true, kind: kind, claims: claims)
    }

    /// The endpoint's path on the auth-server.
    public static let path = "/oauth/introspect"
    /// How long a resource-server may act on an active answer before asking again: what a revocation the
    /// revocation stream failed to deliver could cost at most.
    public static let cacheSeconds: Int64 = 60
    /// The extra request parameter (RFC 7662 §2.1 allows them) by which a resource-server says where the
    /// token's holder called from, for the token's "last used"; taken only from a resource-server.
    public static let callerAddressParameter = "caller_address"

    private enum CodingKeys: String, CodingKey {
        case active
        case tokenType = "token_type"
        case kind = "token_kind"
    }

    public var jsonObject: JSONObjectText {
        guard active, let claims, let kind else {
            var object = JSONObjectText()
            object.add(CodingKeys.active.rawValue, false)
            return object
        }
        var object = claims.jsonObject
        object.add(CodingKeys.active.rawValue, true)
        object.add(CodingKeys.kind.rawValue, kind.rawValue)
        // RFC 7662 §2.2 `token_type` is an RFC 6749 §7.1 type: what the token is presented as.
        if kind != .refreshToken { object.add(CodingKeys.tokenType.rawValue, "Bearer") }
        return object
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        active = try container.decode(Bool.self, forKey: .active)
        kind = active ? try container.decode(Kind.self, forKey: .kind) : nil
        claims = active ? try AccessTokenClaims(from: decoder) : nil
    }

    private init(active: Bool, kind: Kind?, claims: AccessTokenClaims?) {
        self.active = active
        self.kind = kind
        self.claims = claims
    }
}
