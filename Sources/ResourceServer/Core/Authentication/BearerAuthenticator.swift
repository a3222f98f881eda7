import Crypto
import Foundation
import Shared
import ToolKit

/// Turns a bearer token into a `Caller`, or says why it cannot. JWT access tokens are verified locally
/// with the auth-server's keys (RFC 9068 §4), after a look in the verified-token cache.
public struct BearerAuthenticator: Sendable {
    let verifier: AccessTokenVerifier
    let keys: RemoteKeySet
    let cache: VerifiedTokenCache
    let revoked: RevokedGrants

    public init(
        verifier: AccessTokenVerifier, keys: RemoteKeySet, cache: VerifiedTokenCache = VerifiedTokenCache(), revoked: RevokedGrants = RevokedGrants()
    ) {
        self.verifier = verifier
        self.keys = keys
        self.cache = cache
        self.revoked = revoked
    }

    public func authenticate(_ token: Substring, now: Date = Date()) async throws(BearerAuthenticationError) -> Caller {
        let digest = Self.digest(token)
        let seconds = Int64(now.timeIntervalSince1970)
        if let caller = cache.caller(for: digest, now: seconds) { return try Self.unlessRevoked(caller, revoked) }
        switch BearerCredentialKind(token) {
        case .personalAccessToken:
            throw .personalAccessTokensUnavailable
        case .unrecognised:
            throw .token(.malformed)
        case .jsonWebToken:
            do {
                let unverified = try AccessTokenVerifier.parse(String(token))
                let key: P256.Signing.PublicKey
                switch await keys.key(id: unverified.keyID) {
                case .found(let found): key = found
                case .unknown: throw TokenVerificationError.unknownKey
                case .unavailable: throw BearerAuthenticationError.keysUnavailable
                }
                let caller = Caller(claims: try verifier.verify(unverified, key: key, now: now), tokenKind: .accessToken)
                cache.insert(caller, for: digest, now: seconds)
                return try Self.unlessRevoked(caller, revoked)
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
    /// The revocation feed's verdict comes after the signature's: a revoked grant's tokens stay well
    /// formed and signed, and must still be refused (docs/tokens.md § Grants and revocation).
    static func unlessRevoked(_ caller: Caller, _ revoked: RevokedGrants) throws(BearerAuthenticationError) -> Caller {
        guard !revoked.contains(caller.claims.grantID) else { throw .token(.revoked) }
        return caller
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
    case personalAccessTokensUnavailable
    /// The auth-server's keys cannot be fetched right now: our fault, not the token's.
    case keysUnavailable

    public var description: String {
        switch self {
        case .keysUnavailable: "The authorization server's keys cannot be reached; try again shortly"
        case .token(let error): error.description
        case .personalAccessTokensUnavailable: "Personal access tokens are not accepted by this server yet"
        }
    }
}
