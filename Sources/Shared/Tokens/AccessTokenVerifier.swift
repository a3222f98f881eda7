import Crypto
import Foundation

/// Verifies Gatehouse access tokens (RFC 9068 §4). Verification is split in two so the caller can find
/// the key by `kid` however it likes (a local key ring, a fetched JWKS) between the steps:
/// `parse` checks the JOSE header and shape, `verify` checks the signature and then the claims.
public struct AccessTokenVerifier: Sendable {
    /// Allowed clock difference between the issuer and us, in seconds.
    public static let leewaySeconds: Int64 = 30

    public let issuer: String
    public let audience: String
    public let tenantID: String

    public init(issuer: String, audience: String, tenantID: String) {
        self.issuer = issuer
        self.audience = audience
        self.tenantID = tenantID
    }

    /// A structurally valid ES256 `at+jwt` whose signature is not checked yet.
    public struct UnverifiedToken: Sendable {
        public let keyID: String
        let signingInput: Substring
        let signature: Data
        let payload: Data
    }

    public static func parse(_ token: String) throws(TokenVerificationError) -> UnverifiedToken {
        guard let jws = CompactJWS(token) else { throw .malformed }
        let header = jws.header
        // RFC 8725 §3.1: the algorithm is fixed by us, never taken from the token. This refuses `none`
        // and HS256 (including HS256 keyed with our public key) before anything else is looked at.
        guard header.alg == "ES256" else { throw .unsupportedAlgorithm }
        // RFC 9068 §4: typ must be at+jwt (media types compare case-insensitively; the full form is allowed).
        guard let typ = header.typ?.lowercased(), typ == "at+jwt" || typ == "application/at+jwt" else { throw .wrongType }
        // RFC 7515 §4.1.11: we understand no critical extensions.
        guard header.crit == nil else { throw .malformed }
        guard let kid = header.kid, !kid.isEmpty else { throw .unknownKey }
        return UnverifiedToken(keyID: kid, signingInput: jws.signingInput, signature: jws.signature, payload: jws.payload)
    }

    public func verify(_ token: UnverifiedToken, key: P256.Signing.PublicKey, now: Date = Date()) throws(TokenVerificationError)
        -> AccessTokenClaims
    {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: token.signature),
            key.isValidSignature(signature, for: Data(token.signingInput.utf8))
        else { throw .badSignature }
        guard let claims = try? JSONDecoder().decode(AccessTokenClaims.self, from: token.payload) else { throw .malformed }
        guard claims.issuer == issuer else { throw .wrongIssuer }
        guard claims.audience == audience else { throw .wrongAudience }
        guard claims.tenantID == tenantID else { throw .wrongTenant }
        let seconds = Int64(now.timeIntervalSince1970)
        guard seconds - Self.leewaySeconds <= claims.expiresAt else { throw .expired }
        guard seconds + Self.leewaySeconds >= claims.notBefore else { throw .notYetValid }
        return claims
    }
}
