import Shared

/// Who is calling: the verified token's claims and what kind of credential carried them.
public struct Caller: Sendable, Equatable {
    public enum TokenKind: String, Sendable {
        case accessToken = "access_token"
        case personalAccessToken = "pat"
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
}
