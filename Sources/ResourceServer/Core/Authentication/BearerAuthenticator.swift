import Crypto
import Foundation
import Shared
import ToolKit

/// Turns a bearer token into a `Caller`, or says why it cannot, after a look in the verified-token cache. JWT
/// access tokens are verified locally with the auth-server's keys (RFC 9068 §4); personal access tokens, recognised
/// by their format and checksum without any request, are introspected at the auth-server (RFC 7662) and their
/// holder is then treated exactly as an access token of the same person with the same scopes.
public struct BearerAuthenticator: Sendable {
    let verifier: AccessTokenVerifier
    let keys: RemoteKeySet
    let introspector: TokenIntrospector
    let cache: VerifiedTokenCache
    let denied: RevocationDenySet

    public init(
        verifier: AccessTokenVerifier, keys: RemoteKeySet, introspector: TokenIntrospector = .unavailable, cache: VerifiedTokenCache = VerifiedTokenCache(),
        denied: RevocationDenySet = RevocationDenySet()
    ) {
        self.verifier = verifier
        self.keys = keys
        self.introspector = introspector
        self.cache = cache
        self.denied = denied
    }

    /// - Parameter callerAddress: where the request came from, which a personal access token's "last used" shows.
    public func authenticate(_ token: Substring, callerAddress: String? = nil, now: Date = Date()) async throws(BearerAuthenticationError) -> Caller {
        let digest = Self.digest(token)
        let seconds = Int64(now.timeIntervalSince1970)
        if let caller = cache.caller(for: digest, now: seconds) { return try Self.judged(caller, denied) }
        switch BearerCredentialKind(token) {
        case .personalAccessToken:
            let answer: IntrospectionAnswer
            do {
                answer = try await introspector.introspect(token, callerAddress)
            } catch {
                throw .authorizationServerUnavailable
            }
            guard answer.active, answer.kind == .personalAccessToken, let claims = answer.claims else { throw .token(.inactiveToken) }
            // The auth-server answers for the tenant the request named; a mismatch is a misrouted answer, never trusted.
            guard claims.tenantID == verifier.tenantID, claims.issuer == verifier.issuer, claims.audience == verifier.audience else {
                throw .token(.wrongTenant)
            }
            let caller = Caller(claims: claims, tokenKind: .personalAccessToken)
            cache.insert(caller, for: digest, now: seconds, until: seconds + IntrospectionAnswer.cacheSeconds)
            return try Self.judged(caller, denied)
        case .unrecognised:
            throw .token(.malformed)
        case .jsonWebToken:
            do {
                let unverified = try AccessTokenVerifier.parse(String(token))
                let key: P256.Signing.PublicKey
                switch await keys.key(id: unverified.keyID) {
                case .found(let found): key = found
                case .unknown: throw TokenVerificationError.unknownKey
                case .unavailable: throw BearerAuthenticationError.authorizationServerUnavailable
                }
                let claims = try verifier.verify(unverified, key: key, now: now)
                let caller = Caller(claims: claims, tokenKind: .of(accessToken: claims))
                cache.insert(caller, for: digest, now: seconds)
                return try Self.judged(caller, denied)
            } catch let error as TokenVerificationError {
                throw .token(error)
            } catch let error as BearerAuthenticationError {
                throw error
            } catch {
                throw .token(.malformed)
            }
        }
    }
}

extension BearerAuthenticator {
    /// The revocation stream's verdict comes after the signature's: a revoked grant's tokens stay well formed and
    /// signed, and must still be refused; a token whose elevation ended works on without it
    /// (docs/tokens.md § Grants and revocation).
    static func judged(_ caller: Caller, _ denied: RevocationDenySet) throws(BearerAuthenticationError) -> Caller {
        switch denied.verdict(on: caller.claims) {
        case .allowed: caller
        case .refused: throw .token(.revoked)
        case .withoutElevation: caller.withoutElevation()
        }
    }

    static func digest(_ token: Substring) -> SHA256.Digest {
        var hasher = SHA256()
        var token = token
        token.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize()
    }
}

public enum BearerAuthenticationError: Error, Equatable, CustomStringConvertible {
    case token(TokenVerificationError)
    /// The auth-server's keys or its introspection cannot be reached right now: our fault, not the token's.
    case authorizationServerUnavailable

    public var description: String {
        switch self {
        case .authorizationServerUnavailable: "The authorization server cannot be reached to check this token; try again shortly"
        case .token(let error): error.description
        }
    }
}
