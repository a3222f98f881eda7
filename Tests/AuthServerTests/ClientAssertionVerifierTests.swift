import Crypto
import CryptoExtras
import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// `private_key_jwt` client assertions (RFC 7523 §3): what passes, and each rule's
/// failing case.
@Suite("ClientAssertionVerifier")
struct ClientAssertionVerifierTests {
    typealias F = AssertionFixture

    // MARK: - Accepted assertions

    @Test("an RS256 assertion with aud = token endpoint, signed by the client's jwks_uri key, verifies")
    func rs256Verifies() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try F.rs256())
        #expect(await harness.host.fetches == 1)
    }

    @Test("aud = issuer passes, and so does an aud array holding one accepted audience among others")
    func bothAudienceFormsPass() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try F.rs256(F.claims(["aud": F.issuer])))
        try await harness.verify(try F.rs256(F.claims(["aud": ["https://other.example.com", F.issuer]])))
        try await harness.verify(try F.rs256(F.claims(["aud": [F.tokenEndpoint]])))
    }

    @Test("PS256 verifies with an RSA key whose JWK names PS256 or no alg")
    func ps256Verifies() async throws {
        for alg in ["PS256", nil] as [String?] {
            let harness = AssertionHarness(document: try F.jwks([try F.jwk(rsa: F.rsa.publicKey, kid: "rsa-1", alg: alg)]))
            try await harness.verify(try F.assertion(header: ["alg": "PS256", "kid": "rsa-1"], signer: .ps256(F.rsa)))
        }
    }

    @Test("ES256 verifies with the client's P-256 key")
    func es256Verifies() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try F.assertion(header: ["alg": "ES256", "kid": "ec-1"], signer: .es256(F.p256)))
    }

    @Test("EdDSA (Ed25519) verifies with an OKP key")
    func edDSAVerifies() async throws {
        let harness = AssertionHarness(document: try F.jwks([F.jwk(ed25519: F.ed25519.publicKey, kid: "ed-1")]))
        try await harness.verify(try F.assertion(header: ["alg": "EdDSA", "kid": "ed-1"], signer: .edDSA(F.ed25519)))
    }

    @Test("without a kid, the only key that fits the alg is used")
    func missingKidUsesTheOnlyFittingKey() async throws {
        let harness = try AssertionHarness.standard()
        // The set holds an RSA and an EC key; only the EC key can verify ES256, only the RSA key RS256.
        try await harness.verify(try F.assertion(header: ["alg": "ES256"], signer: .es256(F.p256)))
        try await harness.verify(try F.assertion(header: ["alg": "RS256"], signer: .rs256(F.rsa)))
    }

    @Test("without a kid, two keys that fit the alg are ambiguous")
    func missingKidWithTwoFittingKeysIsAmbiguous() async throws {
        let document = try F.jwks([try F.jwk(rsa: F.rsa.publicKey, kid: "a"), try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "b")])
        let harness = AssertionHarness(document: document)
        await harness.expectRefusal(.ambiguousKey, try F.assertion(header: ["alg": "RS256"], signer: .rs256(F.rsa)))
    }

    @Test("inline jwks verifies without any fetch")
    func inlineJWKSVerifies() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try F.rs256(), keys: .jwks(try F.standardJWKS()))
        #expect(await harness.host.fetches == 0)
    }

    @Test("a NumericDate with a fraction is accepted (RFC 7519 §2)")
    func fractionalNumericDateIsAccepted() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try F.rs256(F.claims(["iat": Double(F.nowSeconds) + 0.25, "exp": Double(F.nowSeconds) + 60.5])))
    }

    // MARK: - Algorithms (RFC 8725 §3.1, §3.2)

    @Test("alg none with an empty signature is refused")
    func algNoneIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        for alg in ["none", "None", "NONE"] {
            await harness.expectRefusal(.unsupportedAlgorithm, try F.assertion(header: ["alg": alg, "kid": "rsa-1"], signer: .unsigned))
        }
        #expect(await harness.host.fetches == 0)
    }

    @Test("HS256 keyed with the client's RSA public key bytes (key confusion) is refused")
    func hs256WithPublicKeyIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        let publicKey = F.rsa.publicKey
        let modulus = try publicKey.getKeyPrimitives().modulus
        for secret in [publicKey.derRepresentation, Data(publicKey.pemRepresentation.utf8), publicKey.pkcs1DERRepresentation, modulus] {
            let forged = try F.assertion(header: ["alg": "HS256", "kid": "rsa-1"], signer: .hs256(SymmetricKey(data: secret)))
            await harness.expectRefusal(.unsupportedAlgorithm, forged)
        }
        for alg in ["HS384", "HS512", "RS384", "ES384", "RS1", "rs256"] {
            await harness.expectRefusal(.unsupportedAlgorithm, try F.assertion(header: ["alg": alg, "kid": "rsa-1"], signer: .rs256(F.rsa)))
        }
    }

    @Test("the header alg is not trusted alone: an RSA key cannot verify ES256, an EC key cannot verify RS256")
    func algorithmMustFitTheKeyType() async throws {
        // JWKs without an alg member, so the key type alone must decide.
        let bare = try F.jwks([
            try F.jwk(rsa: F.rsa.publicKey, kid: "rsa-1", alg: nil), F.jwk(p256: F.p256.publicKey, kid: "ec-1", alg: nil),
            F.jwk(ed25519: F.ed25519.publicKey, kid: "ed-1", alg: nil),
        ])
        let harness = AssertionHarness(document: bare)
        await harness.expectRefusal(
            .keyAlgorithmMismatch, try F.assertion(header: ["alg": "ES256", "kid": "rsa-1"], signer: .es256(F.p256)))
        await harness.expectRefusal(.keyAlgorithmMismatch, try F.assertion(header: ["alg": "RS256", "kid": "ec-1"], signer: .rs256(F.rsa)))
        await harness.expectRefusal(.keyAlgorithmMismatch, try F.assertion(header: ["alg": "PS256", "kid": "ed-1"], signer: .ps256(F.rsa)))
        await harness.expectRefusal(
            .keyAlgorithmMismatch, try F.assertion(header: ["alg": "EdDSA", "kid": "ec-1"], signer: .edDSA(F.ed25519)))
        // Each key still verifies what it is for.
        try await harness.verify(try F.assertion(header: ["alg": "ES256", "kid": "ec-1"], signer: .es256(F.p256)))
        try await harness.verify(try F.assertion(header: ["alg": "PS256", "kid": "rsa-1"], signer: .ps256(F.rsa)))
        try await harness.verify(try F.assertion(header: ["alg": "EdDSA", "kid": "ed-1"], signer: .edDSA(F.ed25519)))
    }

    @Test("a JWK whose alg member names another algorithm is not used")
    func jwkAlgMemberMustMatch() async throws {
        // The RSA key is declared for RS256 only; a correct PS256 signature with it is still refused.
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.keyAlgorithmMismatch, try F.assertion(header: ["alg": "PS256", "kid": "rsa-1"], signer: .ps256(F.rsa)))
        // A key declared for an algorithm we do not accept serves nothing.
        let rs384 = AssertionHarness(document: try F.jwks([try F.jwk(rsa: F.rsa.publicKey, kid: "rsa-1", alg: "RS384")]))
        await rs384.expectRefusal(.keyAlgorithmMismatch, try F.rs256())
    }

    @Test("crit header extensions are refused (RFC 7515 §4.1.11)")
    func criticalHeaderIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        let assertion = try F.assertion(header: ["alg": "RS256", "kid": "rsa-1", "crit": ["b64"], "b64": false], signer: .rs256(F.rsa))
        await harness.expectRefusal(.unsupportedCriticalHeader, assertion)
    }

    @Test("a signature by another key, or over other bytes, is refused")
    func badSignatureIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.badSignature, try F.rs256(key: F.rotatedRSA))
        let stranger = P256.Signing.PrivateKey()
        await harness.expectRefusal(.badSignature, try F.assertion(header: ["alg": "ES256", "kid": "ec-1"], signer: .es256(stranger)))
        // The payload swapped after signing.
        let signed = try F.rs256().split(separator: ".")
        let other = try F.rs256(F.claims(["jti": "other"])).split(separator: ".")
        await harness.expectRefusal(.badSignature, [signed[0], other[1], signed[2]].joined(separator: "."))
        // A DER-encoded ECDSA signature is not the JWS form (RFC 7518 §3.4).
        let claims = try JSONSerialization.data(withJSONObject: F.claims())
        let input = Base64URL.encode(Data(#"{"alg":"ES256","kid":"ec-1"}"#.utf8)) + "." + Base64URL.encode(claims)
        let der = try F.p256.signature(for: Data(input.utf8)).derRepresentation
        await harness.expectRefusal(.badSignature, input + "." + Base64URL.encode(der))
    }

    @Test("a 1024-bit RSA key is refused: its valid signature finds no usable key")
    func weakRSAKeyIsRefused() async throws {
        let harness = AssertionHarness(document: try F.jwks([try F.jwk(rsa: F.weakRSA.publicKey, kid: "weak")]))
        await harness.expectRefusal(.unknownKey, try F.rs256(kid: "weak", key: F.weakRSA))
    }

    // MARK: - Claims (RFC 7523 §3)

    @Test("iss and sub must both be the client_id")
    func issuerAndSubjectMustBeTheClient() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.wrongIssuer, try F.rs256(F.claims(["iss": "https://evil.example.com/client.json"])))
        await harness.expectRefusal(.wrongIssuer, try F.rs256(F.claims(["iss": NSNull()])))
        await harness.expectRefusal(.wrongSubject, try F.rs256(F.claims(["sub": "someone-else"])))
        await harness.expectRefusal(.wrongSubject, try F.rs256(F.claims(["sub": NSNull()])))
        // A correct assertion for this client is refused when the request is for another client.
        await #expect(throws: ClientAssertionError.wrongIssuer) { try await harness.verify(try F.rs256(), clientID: "other-client") }
    }

    @Test("aud must name our issuer or our token endpoint, exactly")
    func audienceMustNameUs() async throws {
        let harness = try AssertionHarness.standard()
        for audience in [
            "https://evil.example.com", F.issuer + "/", F.tokenEndpoint + "/", "https://ACME.example.com", F.issuer + "/oauth/authorize",
        ] {
            await harness.expectRefusal(.wrongAudience, try F.rs256(F.claims(["aud": audience])))
        }
        await harness.expectRefusal(.wrongAudience, try F.rs256(F.claims(["aud": ["https://evil.example.com"]])))
        await harness.expectRefusal(.wrongAudience, try F.rs256(F.claims(["aud": [String]()])))
        await harness.expectRefusal(.wrongAudience, try F.rs256(F.claims(["aud": NSNull()])))
    }

    @Test("exp is required and must not be past, with 30 s leeway")
    func expiryIsChecked() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.missingExpiry, try F.rs256(F.claims(["exp": NSNull()])))
        let issued = F.nowSeconds - 120
        await harness.expectRefusal(.expired, try F.rs256(F.claims(["iat": issued, "exp": F.nowSeconds - 30])))
        try await harness.verify(try F.rs256(F.claims(["iat": issued, "exp": F.nowSeconds - 29])))
    }

    @Test("an assertion living longer than 5 minutes is refused, measured from iat or, without iat, from now")
    func longLivedAssertionIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.lifetimeTooLong, try F.rs256(F.claims(["exp": F.nowSeconds + 301])))
        await harness.expectRefusal(.lifetimeTooLong, try F.rs256(F.claims(["iat": F.nowSeconds - 250, "exp": F.nowSeconds + 60])))
        await harness.expectRefusal(.lifetimeTooLong, try F.rs256(F.claims(["iat": NSNull(), "exp": F.nowSeconds + 331])))
        try await harness.verify(try F.rs256(F.claims(["exp": F.nowSeconds + 300])))
        try await harness.verify(try F.rs256(F.claims(["iat": NSNull(), "exp": F.nowSeconds + 330])))
    }

    @Test("nbf and iat may not lie in the future beyond the leeway")
    func futureTimesAreRefused() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.notYetValid, try F.rs256(F.claims(["nbf": F.nowSeconds + 31])))
        await harness.expectRefusal(.issuedInFuture, try F.rs256(F.claims(["iat": F.nowSeconds + 31, "exp": F.nowSeconds + 90])))
        try await harness.verify(try F.rs256(F.claims(["nbf": F.nowSeconds + 30, "iat": F.nowSeconds + 30, "exp": F.nowSeconds + 90])))
    }

    @Test("jti is required, non-empty and of bounded length")
    func tokenIDIsRequired() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.missingTokenID, try F.rs256(F.claims(["jti": NSNull()])))
        await harness.expectRefusal(.missingTokenID, try F.rs256(F.claims(["jti": ""])))
        await harness.expectRefusal(.missingTokenID, try F.rs256(F.claims(["jti": String(repeating: "j", count: 257)])))
        try await harness.verify(try F.rs256(F.claims(["jti": String(repeating: "j", count: 256)])))
    }

    @Test("a jti is single-use: the same assertion presented twice is refused the second time")
    func replayedAssertionIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        let assertion = try F.rs256()
        try await harness.verify(assertion)
        await harness.expectRefusal(.replayed, assertion)
        // A new assertion that reuses the jti is a replay too, even seconds later.
        let reused = try F.rs256(F.claims(["jti": "fixed", "iat": F.nowSeconds, "exp": F.nowSeconds + 60]))
        try await harness.verify(reused)
        let again = try F.rs256(F.claims(["jti": "fixed", "iat": F.nowSeconds + 10, "exp": F.nowSeconds + 70]))
        await harness.expectRefusal(.replayed, again, at: F.now.addingTimeInterval(10))
    }

    @Test("an assertion refused for another reason does not use up its jti")
    func refusalDoesNotConsumeTheTokenID() async throws {
        let harness = try AssertionHarness.standard()
        let assertion = try F.rs256()
        await #expect(throws: ClientAssertionError.wrongIssuer) { try await harness.verify(assertion, clientID: "other-client") }
        try await harness.verify(assertion)
    }

    @Test("a replay store that cannot record refuses the assertion")
    func unavailableReplayStoreRefuses() async throws {
        let cache = ClientJWKSCache(logger: .init(label: "test")) { _ in try F.standardJWKS() }
        let verifier = ClientAssertionVerifier(keyCache: cache, replayStore: InMemoryClientAssertionReplayStore(capacity: 1))
        func verify(_ assertion: String) async throws(ClientAssertionError) {
            try await verifier.verify(
                assertionType: ClientAssertionVerifier.assertionType, assertion: assertion, clientID: F.clientID,
                acceptedAudiences: F.audiences, keys: .jwksURI(F.jwksURI), now: F.now)
        }
        try await verify(try F.rs256())
        await #expect(throws: ClientAssertionError.replayCheckUnavailable) { try await verify(try F.rs256()) }
    }

    // MARK: - Hostile and malformed input

    @Test("client_assertion_type must be the jwt-bearer URN")
    func assertionTypeIsChecked() async throws {
        let harness = try AssertionHarness.standard()
        let jwtBearer = ClientAssertionVerifier.assertionType
        let saml = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
        for type in ["", saml, "jwt-bearer", jwtBearer + " ", jwtBearer.uppercased()] {
            await #expect(throws: ClientAssertionError.wrongAssertionType) { try await harness.verify(try F.rs256(), type: type) }
        }
    }

    @Test("an assertion over 8 KB is refused before parsing, even when correctly signed")
    func oversizedAssertionIsRefused() async throws {
        let harness = try AssertionHarness.standard()
        let padded = try F.rs256(F.claims(["padding": String(repeating: "x", count: 8 * 1024)]))
        await harness.expectRefusal(.tooLarge, padded)
        #expect(await harness.host.fetches == 0)
    }

    @Test("malformed segments, base64url and JSON are refused as malformed", arguments: [
        "", ".", "..", "abc", "a.b", "a.b.c.d", "eyJhbGciOiJSUzI1NiJ9..", "eyJhbGciOiJSUzI1NiJ9.e30.a.", "e30.e30.AA",
        "eyJhbGciOiJSUzI1NiJ9.e30=.AA", "eyJhbGciOiJSUzI1NiJ9.e+30.AA", "eyJhbGciOiJSUzI1NiJ9.W10.AA", "eyJhbGciOiJSUzI1NiJ9.bnVsbA.AA",
        "WyJSUzI1NiJd.e30.AA", "eyJhbGciOjF9.e30.AA",
    ])
    func malformedAssertionIsRefused(assertion: String) async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.malformed, assertion)
    }

    @Test("claims of the wrong JSON type, or NumericDates out of range, are malformed")
    func mistypedClaimsAreMalformed() async throws {
        let harness = try AssertionHarness.standard()
        for overrides: [String: Any] in [
            ["exp": "\(F.nowSeconds + 60)"], ["iss": 42], ["aud": [1, 2]], ["jti": ["a"]], ["iat": true], ["exp": -1], ["exp": 1e300],
            ["nbf": 1e12],
        ] {
            await harness.expectRefusal(.malformed, try F.rs256(F.claims(overrides)))
        }
    }
}

/// One client flooding the token endpoint with valid assertions of its own must not lock out another
/// (docs/security.md § Threats).
@Suite("Client assertion replay store under a flood")
struct ClientAssertionFloodTests {
    @Test("a client that floods with fresh valid assertions reaches its own cap; another client's assertions keep working")
    func floodLeavesOthersWorking() async throws {
        let document = try AssertionFixture.standardJWKS()
        let host = FakeJWKSHost(document: document)
        let verifier = ClientAssertionVerifier(
            keyCache: ClientJWKSCache(logger: Logger(label: "test")) { url in try await host.serve(url) },
            replayStore: InMemoryClientAssertionReplayStore(capacity: 1000, perClientCapacity: 5))
        let attacker = "https://attacker.example/client.json"
        func verify(_ clientID: String) async throws(ClientAssertionError) {
            let claims = AssertionFixture.claims(["iss": clientID, "sub": clientID])
            try await verifier.verify(
                assertionType: ClientAssertionVerifier.assertionType, assertion: try! AssertionFixture.rs256(claims), clientID: clientID,
                acceptedAudiences: AssertionFixture.audiences, keys: .jwks(document), now: AssertionFixture.now)
        }
        for _ in 0..<5 { try await verify(attacker) }
        await #expect(throws: ClientAssertionError.replayCheckUnavailable) { try await verify(attacker) }
        for _ in 0..<5 { try await verify(AssertionFixture.clientID) }
    }
}
