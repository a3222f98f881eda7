import Crypto
import Foundation
import Shared
import Testing

/// RFC 9068 §4 validation as the resource-server performs it.
@Suite("AccessTokenVerifier")
struct AccessTokenVerifierTests {
    let fixture = TokenFixture()

    // MARK: - Accepted tokens

    @Test("a token signed by AccessTokenSigner verifies and returns its claims")
    func correctlySignedTokenVerifies() throws {
        let claims = fixture.claims()
        let token = try fixture.signed(claims)

        let parsed = try AccessTokenVerifier.parse(token)
        #expect(parsed.keyID == fixture.keyID)
        let verified = try fixture.verifier.verify(parsed, key: fixture.publicKey, now: fixture.now)
        #expect(verified == claims)
        #expect(verified.scopes == ["records:read", "records:write"])
        #expect(verified.role == "company")
        #expect(verified.company == "cust-42")
    }

    @Test("the signer writes the RFC 9068 §2.1 header: alg ES256, typ at+jwt, kid")
    func signerWritesAccessTokenHeader() throws {
        let token = try fixture.signed(fixture.claims())
        let headerPart = try #require(token.split(separator: ".").first)
        let headerJSON = try #require(Base64URL.decode(headerPart))
        let header = try #require(JSONSerialization.jsonObject(with: headerJSON) as? [String: Any])
        #expect(header["alg"] as? String == "ES256")
        #expect(header["typ"] as? String == "at+jwt")
        #expect(header["kid"] as? String == fixture.keyID)
        #expect(header["crit"] == nil)
    }

    @Test("typ application/at+jwt (the full media type, any case) is accepted")
    func fullMediaTypeIsAccepted() throws {
        let claims = fixture.claims()
        for typ in ["application/at+jwt", "Application/AT+JWT", "AT+JWT"] {
            let token = try fixture.handmade(
                header: #"{"alg":"ES256","typ":"\#(typ)","kid":"\#(fixture.keyID)"}"#, payload: fixture.payload(claims), sign: fixture.es256)
            #expect(try fixture.verify(token) == claims, "typ \(typ)")
        }
    }

    @Test("aud as a one-element array is accepted (RFC 7519 §4.1.3)")
    func audienceArrayWithOneElementIsAccepted() throws {
        let claims = fixture.claims()
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#,
            payload: fixture.payload(claims, replacing: ["aud": [TokenFixture.audience]]), sign: fixture.es256)
        #expect(try fixture.verify(token).audience == TokenFixture.audience)
    }

    @Test("aud as a two-element array is refused as malformed, even when it holds our resource")
    func audienceArrayWithTwoElementsIsMalformed() throws {
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#,
            payload: fixture.payload(fixture.claims(), replacing: ["aud": [TokenFixture.audience, "https://other.example.com/mcp"]]),
            sign: fixture.es256)
        #expect(throws: TokenVerificationError.malformed) { try fixture.verify(token) }
    }

    // MARK: - Algorithm confusion (RFC 8725 §3.1)

    @Test("alg none with an empty signature is refused as unsupportedAlgorithm")
    func algNoneIsRefused() throws {
        let payload = try fixture.payload(fixture.claims())
        let bare = Base64URL.encode(Data(#"{"alg":"none"}"#.utf8)) + "." + Base64URL.encode(payload) + "."
        #expect(throws: TokenVerificationError.unsupportedAlgorithm) { try AccessTokenVerifier.parse(bare) }
        // Also with an otherwise perfect header: alg alone decides.
        let dressed = Base64URL.encode(Data(#"{"alg":"none","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#.utf8)) + "."
            + Base64URL.encode(payload) + "."
        #expect(throws: TokenVerificationError.unsupportedAlgorithm) { try fixture.verify(dressed) }
    }

    @Test("HS256 keyed with the public key's x963 bytes (key confusion) is refused as unsupportedAlgorithm")
    func hs256KeyedWithPublicKeyIsRefused() throws {
        let hmacKey = SymmetricKey(data: fixture.publicKey.x963Representation)
        let token = try fixture.handmade(
            header: #"{"alg":"HS256","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#, payload: fixture.payload(fixture.claims())
        ) { input in Data(HMAC<SHA256>.authenticationCode(for: input, using: hmacKey)) }
        #expect(throws: TokenVerificationError.unsupportedAlgorithm) { try fixture.verify(token) }
    }

    // MARK: - Key selection

    @Test("unknown kid: parse hands the kid to the caller, whose lookup finds nothing; another key gives badSignature")
    func unknownKeyIDCannotBeVerified() throws {
        let stranger = TokenFixture()
        let strangerToken = try AccessTokenSigner(keyID: "kid-stranger", privateKey: stranger.privateKey).sign(fixture.claims())

        let parsed = try AccessTokenVerifier.parse(strangerToken)
        #expect(parsed.keyID == "kid-stranger")
        let keyRing = [fixture.keyID: fixture.publicKey]
        #expect(keyRing[parsed.keyID] == nil)
        // A caller that falls back to some key it does know still gets nothing out of the token.
        #expect(throws: TokenVerificationError.badSignature) {
            try fixture.verifier.verify(parsed, key: fixture.publicKey, now: fixture.now)
        }
    }

    @Test("a header without kid, or with an empty kid, is refused as unknownKey")
    func missingKeyIDIsUnknownKey() throws {
        let payload = try fixture.payload(fixture.claims())
        for header in [#"{"alg":"ES256","typ":"at+jwt"}"#, #"{"alg":"ES256","typ":"at+jwt","kid":""}"#] {
            let token = try fixture.handmade(header: header, payload: payload, sign: fixture.es256)
            #expect(throws: TokenVerificationError.unknownKey, "header \(header)") { try AccessTokenVerifier.parse(token) }
        }
    }

    // MARK: - Token type (RFC 9068 §4)

    @Test("typ JWT (an ID token or other JWT) is refused as wrongType")
    func typJWTIsWrongType() throws {
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","typ":"JWT","kid":"\#(fixture.keyID)"}"#, payload: fixture.payload(fixture.claims()),
            sign: fixture.es256)
        #expect(throws: TokenVerificationError.wrongType) { try fixture.verify(token) }
    }

    @Test("a header without typ is refused as wrongType")
    func missingTypIsWrongType() throws {
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","kid":"\#(fixture.keyID)"}"#, payload: fixture.payload(fixture.claims()), sign: fixture.es256)
        #expect(throws: TokenVerificationError.wrongType) { try fixture.verify(token) }
    }

    @Test("a crit header (RFC 7515 §4.1.11) is refused as malformed: we understand no extensions")
    func critHeaderIsRefused() throws {
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","typ":"at+jwt","kid":"\#(fixture.keyID)","crit":["exp"]}"#,
            payload: fixture.payload(fixture.claims()), sign: fixture.es256)
        #expect(throws: TokenVerificationError.malformed) { try AccessTokenVerifier.parse(token) }
    }

    // MARK: - Claims (RFC 9068 §4)

    @Test("iss of another authorization server is refused as wrongIssuer")
    func wrongIssuerIsRefused() throws {
        let token = try fixture.signed(fixture.claims(issuer: "https://acme.example.com/"))
        #expect(throws: TokenVerificationError.wrongIssuer) { try fixture.verify(token) }
    }

    @Test("aud of another resource is refused as wrongAudience")
    func wrongAudienceIsRefused() throws {
        let token = try fixture.signed(fixture.claims(audience: "https://globex.example.com/mcp"))
        #expect(throws: TokenVerificationError.wrongAudience) { try fixture.verify(token) }
    }

    @Test("tid of another tenant is refused as wrongTenant")
    func wrongTenantIsRefused() throws {
        let token = try fixture.signed(fixture.claims(tenantID: "globex"))
        #expect(throws: TokenVerificationError.wrongTenant) { try fixture.verify(token) }
    }

    @Test("a token that expired more than the 30 s leeway ago is refused as expired")
    func expiredTokenIsRefused() throws {
        let now = fixture.nowSeconds
        for secondsAgo: Int64 in [31, 60, 3600] {
            let token = try fixture.signed(fixture.claims(issuedAt: now - 4000, expiresAt: now - secondsAgo))
            #expect(throws: TokenVerificationError.expired, "expired \(secondsAgo) s ago") { try fixture.verify(token) }
        }
    }

    @Test("a token that expired within the 30 s leeway still passes")
    func recentlyExpiredTokenPassesWithinLeeway() throws {
        #expect(AccessTokenVerifier.leewaySeconds == 30)
        let now = fixture.nowSeconds
        for secondsAgo: Int64 in [10, 30] {
            let claims = fixture.claims(issuedAt: now - 600, expiresAt: now - secondsAgo)
            #expect(try fixture.verify(fixture.signed(claims)) == claims, "expired \(secondsAgo) s ago")
        }
    }

    @Test("nbf 60 s in the future is refused as notYetValid; within the leeway it passes")
    func notYetValidTokenIsRefused() throws {
        let now = fixture.nowSeconds
        let future = try fixture.signed(fixture.claims(issuedAt: now, notBefore: now + 60, expiresAt: now + 600))
        #expect(throws: TokenVerificationError.notYetValid) { try fixture.verify(future) }
        let skewed = fixture.claims(issuedAt: now, notBefore: now + 20, expiresAt: now + 600)
        #expect(try fixture.verify(fixture.signed(skewed)) == skewed)
    }

    // MARK: - Signature

    @Test("one flipped byte of the signature is refused as badSignature")
    func flippedSignatureByteIsRefused() throws {
        let token = try fixture.signed(fixture.claims())
        let parts = token.split(separator: ".").map(String.init)
        var signature = try #require(Base64URL.decode(parts[2]))
        #expect(signature.count == 64)
        signature[10] ^= 0x01
        let tampered = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
        #expect(throws: TokenVerificationError.badSignature) { try fixture.verify(tampered) }
    }

    @Test("a payload changed after signing (here: a raised role) is refused as badSignature")
    func changedPayloadIsRefused() throws {
        let token = try fixture.signed(fixture.claims())
        let parts = token.split(separator: ".").map(String.init)
        let forged = try fixture.payload(fixture.claims(), replacing: ["role": "admin"])
        let tampered = parts[0] + "." + Base64URL.encode(forged) + "." + parts[2]
        #expect(throws: TokenVerificationError.badSignature) { try fixture.verify(tampered) }
    }

    @Test("a signature of the wrong length (DER instead of raw r||s) is refused as badSignature")
    func derSignatureIsRefused() throws {
        let token = try fixture.handmade(
            header: #"{"alg":"ES256","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#, payload: fixture.payload(fixture.claims())
        ) { input in try fixture.privateKey.signature(for: input).derRepresentation }
        #expect(throws: TokenVerificationError.badSignature) { try fixture.verify(token) }
    }

    // MARK: - Shape

    @Test(
        "a token of the wrong shape is refused as malformed",
        arguments: [
            "", "abc", "eyJhbGciOiJFUzI1NiJ9.e30", "a.b.c.d", "..",
            "eyJhbGciOiJFUzI1NiJ9.e30.a+b", "eyJhbGciOiJFUzI1NiJ9=.e30.AAAA", "eyJ!.e30.AAAA", "eyJhbGciOiJFUzI1NiJ9.e30.AAAAA",
        ]
    )
    func wrongShapeIsMalformed(token: String) {
        #expect(throws: TokenVerificationError.malformed) { try AccessTokenVerifier.parse(token) }
    }

    @Test("a header that is not a JSON object is refused as malformed")
    func headerNotJSONIsMalformed() throws {
        let payload = try fixture.payload(fixture.claims())
        for header in ["not json", "[\"ES256\"]", #"{"alg":"ES256","typ":"at+jwt","kid":7}"#] {
            let token = try fixture.handmade(header: header, payload: payload, sign: fixture.es256)
            #expect(throws: TokenVerificationError.malformed, "header \(header)") { try AccessTokenVerifier.parse(token) }
        }
    }

    @Test("a correctly signed payload that is not a claims object is refused as malformed")
    func signedGarbagePayloadIsMalformed() throws {
        let header = #"{"alg":"ES256","typ":"at+jwt","kid":"\#(fixture.keyID)"}"#
        let missingSubject = try fixture.payload(fixture.claims(), replacing: ["sub": NSNull()])
        for payload in [Data("hello".utf8), Data("{}".utf8), missingSubject] {
            let token = try fixture.handmade(header: header, payload: payload, sign: fixture.es256)
            #expect(throws: TokenVerificationError.malformed) { try fixture.verify(token) }
        }
    }
}
