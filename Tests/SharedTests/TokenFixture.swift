import Crypto
import Foundation
import Shared
import Testing

/// A signing key, a verifier and a clock for the access-token tests, plus the means to build hostile
/// tokens by hand (any header, any payload, any signature) with Base64URL and swift-crypto.
struct TokenFixture {
    static let issuer = "https://acme.example.com"
    static let audience = "https://acme.example.com/mcp"
    static let tenantID = "acme"

    let privateKey = P256.Signing.PrivateKey()
    let keyID = "kid-acme-1"
    /// A fixed clock: every token here is judged at this instant.
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    var publicKey: P256.Signing.PublicKey { privateKey.publicKey }
    var verifier: AccessTokenVerifier { AccessTokenVerifier(issuer: Self.issuer, audience: Self.audience, tenantID: Self.tenantID) }
    var nowSeconds: Int64 { Int64(now.timeIntervalSince1970) }

    func claims(
        issuer: String = TokenFixture.issuer, audience: String = TokenFixture.audience, tenantID: String = TokenFixture.tenantID,
        issuedAt: Int64? = nil, notBefore: Int64? = nil, expiresAt: Int64? = nil
    ) -> AccessTokenClaims {
        let issuedAt = issuedAt ?? nowSeconds - 5
        return AccessTokenClaims(
            issuer: issuer, subject: "usr_alice", audience: audience, clientID: "client-1", scope: "records:read records:write",
            issuedAt: issuedAt, notBefore: notBefore, expiresAt: expiresAt ?? issuedAt + 600, tokenID: "jti-1", grantID: "grant-1",
            tenantID: tenantID, role: "company", company: "cust-42"
        )
    }

    /// A token made the way the auth-server makes them.
    func signed(_ claims: AccessTokenClaims) throws -> String {
        try AccessTokenSigner(keyID: keyID, privateKey: privateKey).sign(claims)
    }

    /// The claims as a JSON object, so single members can be replaced with shapes the encoder never writes.
    func payload(_ claims: AccessTokenClaims, replacing overrides: [String: Any] = [:]) throws -> Data {
        var object = try #require(JSONSerialization.jsonObject(with: Data(claims.jsonObject.bytes)) as? [String: Any])
        for (key, value) in overrides { object[key] = value }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// `header.payload.signature`, with the signature computed by `sign` over the signing input.
    func handmade(header: String, payload: Data, sign: (Data) throws -> Data) rethrows -> String {
        let signingInput = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(payload)
        return signingInput + "." + Base64URL.encode(try sign(Data(signingInput.utf8)))
    }

    /// A correct ES256 signature with the fixture's key.
    func es256(_ input: Data) throws -> Data {
        try privateKey.signature(for: input).rawRepresentation
    }

    /// Parse, then verify with the fixture's public key at the fixture's clock.
    func verify(_ token: String, key: P256.Signing.PublicKey? = nil, now: Date? = nil) throws(TokenVerificationError) -> AccessTokenClaims {
        let parsed = try AccessTokenVerifier.parse(token)
        return try verifier.verify(parsed, key: key ?? publicKey, now: now ?? self.now)
    }
}
