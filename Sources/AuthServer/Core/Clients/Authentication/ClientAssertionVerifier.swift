import Foundation
import Shared

/// Verifies a `private_key_jwt` client assertion (RFC 7523 §3 and §3.2, OIDC Core §9; ChatGPT's method, docs/clients.md § ChatGPT):
/// a JWS signed with an asymmetric algorithm by one of the client's own keys, `iss` = `sub` = the client,
/// `aud` naming us, short-lived, and its `jti` used once. Cheap claim checks run before any key is looked
/// up, so a hostile assertion cannot make us fetch a client's JWK Set; the `jti` is recorded last, so an
/// assertion refused for another reason does not use it up.
public struct ClientAssertionVerifier: Sendable {
    /// RFC 7523 §2.2.
    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    private let keyCache: ClientJWKSCache
    private let replayStore: any ClientAssertionReplayStore

    public init(keyCache: ClientJWKSCache, replayStore: any ClientAssertionReplayStore) {
        self.keyCache = keyCache
        self.replayStore = replayStore
    }

    /// - Parameters:
    ///   - assertionType: the request's `client_assertion_type`.
    ///   - assertion: the request's `client_assertion`.
    ///   - clientID: the client the request is for; the assertion must be issued by and about it.
    ///   - acceptedAudiences: our issuer and our token endpoint URL. RFC 7523 §3 lets the token endpoint
    ///     stand for us, RFC 7523bis and FAPI prefer the issuer, and clients differ, so either passes.
    ///   - keys: the client's registered keys.
    public func verify(
        assertionType: String, assertion: String, clientID: String, acceptedAudiences: Set<String>, keys: ClientKeySet,
        now: Date = Date()
    ) async throws(ClientAssertionError) {
        guard assertionType == Self.assertionType else { throw .wrongAssertionType }
        guard assertion.utf8.count <= ClientAuthenticationPolicy.maximumAssertionBytes else { throw .tooLarge }
        guard let jws = CompactJWS(assertion) else { throw .malformed }
        // RFC 8725 §3.1: the algorithm must be one we allow, and below the key must fit it too.
        guard let algorithm = ClientAssertionAlgorithm(rawValue: jws.header.alg) else { throw .unsupportedAlgorithm }
        guard jws.header.crit == nil else { throw .unsupportedCriticalHeader }
        guard let claims = try? JSONDecoder().decode(ClientAssertionClaims.self, from: jws.payload) else { throw .malformed }
        let seconds = Int64(now.timeIntervalSince1970)
        let (tokenID, expiresAt) = try Self.check(claims, clientID: clientID, acceptedAudiences: acceptedAudiences, now: seconds)
        let key = try await key(id: jws.header.kid, fitting: algorithm, in: keys, now: now)
        guard key.isValidSignature(jws.signature, for: jws.signingInput, algorithm: algorithm) else { throw .badSignature }
        // Remembered as long as the assertion could still pass the expiry check.
        let rememberUntil = Date(timeIntervalSince1970: TimeInterval(expiresAt + ClientAuthenticationPolicy.clockLeewaySeconds))
        let firstUse: Bool
        do {
            firstUse = try await replayStore.recordFirstUse(clientID: clientID, tokenID: tokenID, expiresAt: rememberUntil, now: now)
        } catch {
            throw .replayCheckUnavailable
        }
        guard firstUse else { throw .replayed }
    }

    /// The client an assertion claims to come from (its `sub`, RFC 7523 §3 item 2), unverified: it only
    /// says whose keys to verify with when the request has no `client_id` (optional per RFC 7523 §3.1).
    static func claimedClientID(in assertion: String) -> String? {
        guard assertion.utf8.count <= ClientAuthenticationPolicy.maximumAssertionBytes, let jws = CompactJWS(assertion),
            let claims = try? JSONDecoder().decode(ClientAssertionClaims.self, from: jws.payload)
        else { return nil }
        return claims.subject
    }

    /// RFC 7523 §3 items 1-7 except the signature. Returns the `jti` and `exp` to record.
    private static func check(_ claims: ClientAssertionClaims, clientID: String, acceptedAudiences: Set<String>, now: Int64)
        throws(ClientAssertionError) -> (tokenID: String, expiresAt: Int64)
    {
        let leeway = ClientAuthenticationPolicy.clockLeewaySeconds
        guard claims.issuer == clientID else { throw .wrongIssuer }
        guard claims.subject == clientID else { throw .wrongSubject }
        guard claims.audiences.contains(where: acceptedAudiences.contains) else { throw .wrongAudience }
        guard let expiresAt = claims.expiresAt else { throw .missingExpiry }
        guard now < expiresAt + leeway else { throw .expired }
        // From iat when given (which cannot lie ahead of us, see below), else from now allowing for skew.
        let lifetime = claims.issuedAt.map { expiresAt - $0 } ?? expiresAt - now - leeway
        guard lifetime <= ClientAuthenticationPolicy.maximumAssertionLifetimeSeconds else { throw .lifetimeTooLong }
        if let notBefore = claims.notBefore, notBefore > now + leeway { throw .notYetValid }
        if let issuedAt = claims.issuedAt, issuedAt > now + leeway { throw .issuedInFuture }
        guard let tokenID = claims.tokenID, !tokenID.isEmpty, tokenID.utf8.count <= ClientAuthenticationPolicy.maximumTokenIDLength
        else { throw .missingTokenID }
        return (tokenID, expiresAt)
    }

    /// RFC 7515 §4.1.4: the key named by `kid`, or without a `kid` the only key that fits. When none
    /// answers, a `jwks_uri` is refetched once, for a client that has just rotated its keys.
    private func key(id: String?, fitting algorithm: ClientAssertionAlgorithm, in set: ClientKeySet, now: Date)
        async throws(ClientAssertionError) -> ClientPublicKey
    {
        switch set {
        case .jwks(let document):
            guard let keys = try? ClientJSONWebKeySet.keys(from: document) else { throw .keysUnavailable }
            if let key = try Self.select(id, fitting: algorithm, from: keys) { return key }
        case .jwksURI(let url):
            if let key = try Self.select(id, fitting: algorithm, from: await keyCache.keys(at: url, now: now)) { return key }
            if let refetched = try await keyCache.keysAfterUnknownKey(at: url, now: now),
                let key = try Self.select(id, fitting: algorithm, from: refetched)
            {
                return key
            }
        }
        throw .unknownKey
    }

    /// Nil when no key answers to `id` (without an `id`: when no key fits), so the caller may refetch.
    /// A key that answers to `id` but cannot verify `algorithm` is refused outright: refetching would not
    /// change what the client says that key is.
    private static func select(_ id: String?, fitting algorithm: ClientAssertionAlgorithm, from keys: [ClientPublicKey])
        throws(ClientAssertionError) -> ClientPublicKey?
    {
        let named = id.map { id in keys.filter { $0.keyID == id } } ?? keys
        let fitting = named.filter { $0.fits(algorithm) }
        guard fitting.count <= 1 else { throw .ambiguousKey }
        if let key = fitting.first { return key }
        if id != nil, !named.isEmpty { throw .keyAlgorithmMismatch }
        return nil
    }
}
