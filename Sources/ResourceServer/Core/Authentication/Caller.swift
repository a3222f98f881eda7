import Shared

/// Who is calling: the verified token's claims and what kind of credential carried them.
public struct Caller: Sendable, Equatable {
    public enum TokenKind: String, Sendable {
        case accessToken = "access_token"
        case personalAccessToken = "pat"
    }

    public let claims: AccessTokenClaims
    public let tokenKind: TokenKind
    public let scopes: Set<String>

    public init(claims: AccessTokenClaims, tokenKind: TokenKind) {
        self.claims = claims
        self.tokenKind = tokenKind
        self.scopes = Set(claims.scopes)
    }

    public func holds(_ required: [String]) -> Bool { required.allSatisfy(scopes.contains) }
}
