import Shared

/// Who is calling: the verified token's claims and what kind of credential carried them. A class, so
/// the copies a request makes (context, invocation, audit trail) share one value instead of copying
/// every claim; it never changes once made.
public final class Caller: Sendable, Equatable {
    public enum TokenKind: String, Sendable {
        case accessToken = "access_token"
        case personalAccessToken = "pat"
        /// A service account's access token (`subject_type: service_account`): no person behind it.
        case serviceAccount = "service_account"

        /// What a verified access token is, from its claims.
        public static func of(accessToken claims: AccessTokenClaims) -> TokenKind { claims.isServiceAccount ? .serviceAccount : .accessToken }
    }

    public let claims: AccessTokenClaims
    public let tokenKind: TokenKind
    /// The token's scopes in its own order, split once: a cached caller serves many calls.
    public let scopeList: [String]
    public let scopes: Set<String>

    public init(claims: AccessTokenClaims, tokenKind: TokenKind) {
        self.claims = claims
        self.tokenKind = tokenKind
        self.scopeList = claims.scopes
        self.scopes = Set(scopeList)
    }

    public func holds(_ required: [String]) -> Bool { required.allSatisfy(scopes.contains) }

    public static func == (lhs: Caller, rhs: Caller) -> Bool { lhs.claims == rhs.claims && lhs.tokenKind == rhs.tokenKind }
}
