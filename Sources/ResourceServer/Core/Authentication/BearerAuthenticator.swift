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
    let denied: RevocationDenySet

    public init(
        verifier: AccessTokenVerifier, keys: RemoteKeySet, cache: VerifiedTokenCache = VerifiedTokenCache(),
        denied: RevocationDenySet = RevocationDenySet()
    ) {
        self.verifier = verifier
        self.keys = keys
        self.cache = cache
        self.denied = denied
    }

    public func authenticate(_ token: Substring, now: Date = Date()) async throws(BearerAuthenticationError) -> Caller {
        let digest = Self.digest(token)
        let seconds = Int64(now.timeIntervalSince1970)
        if let caller = cache.caller(for: digest, now: seconds) { return try Self.judged(caller, denied) }
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
