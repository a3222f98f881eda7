import Crypto
import CryptoExtras
import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// Fetching and caching clients' `jwks_uri` keys (an unknown kid means a rotated key, OIDC Core §10.1.1), and
/// reading JWK Sets leniently.
@Suite("ClientJWKSCache")
struct ClientJWKSCacheTests {
    typealias F = AssertionFixture

    /// An RS256 assertion made at `offset` seconds after the fixture's clock.
    static func assertion(at offset: Int64, kid: String, key: _RSA.Signing.PrivateKey) throws -> String {
        try F.rs256(F.claims(["iat": F.nowSeconds + offset, "exp": F.nowSeconds + offset + 60]), kid: kid, key: key)
    }

    static func time(_ offset: Int64) -> Date { F.now.addingTimeInterval(TimeInterval(offset)) }

    @Test("an unknown kid refetches the jwks_uri once and then verifies with the rotated key")
    func unknownKidRefetchesAndFindsRotatedKey() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try Self.assertion(at: 0, kid: "rsa-1", key: F.rsa))
        await harness.host.publish(try F.jwks([try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "rsa-2")]))

        try await harness.verify(try Self.assertion(at: 60, kid: "rsa-2", key: F.rotatedRSA), at: Self.time(60))
        #expect(await harness.host.fetches == 2)
    }

    @Test("a second unknown kid within 30 s of the last fetch does not refetch; after 30 s it may")
    func unknownKidRefetchIsRateLimited() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try Self.assertion(at: 0, kid: "rsa-1", key: F.rsa))
        await harness.host.publish(try F.jwks([try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "rsa-2")]))
        try await harness.verify(try Self.assertion(at: 60, kid: "rsa-2", key: F.rotatedRSA), at: Self.time(60))

        await harness.expectRefusal(.unknownKey, try Self.assertion(at: 70, kid: "forged-1", key: F.rsa), at: Self.time(70))
        await harness.expectRefusal(.unknownKey, try Self.assertion(at: 89, kid: "forged-2", key: F.rsa), at: Self.time(89))
        #expect(await harness.host.fetches == 2)

        await harness.expectRefusal(.unknownKey, try Self.assertion(at: 90, kid: "forged-3", key: F.rsa), at: Self.time(90))
        #expect(await harness.host.fetches == 3)
    }

    @Test("the first lookup's unknown kid does not fetch twice in a row")
    func unknownKidRightAfterFirstFetchDoesNotRefetch() async throws {
        let harness = try AssertionHarness.standard()
        await harness.expectRefusal(.unknownKey, try Self.assertion(at: 0, kid: "nope", key: F.rsa))
        #expect(await harness.host.fetches == 1)
    }

    @Test("a fetched set is reused for 10 minutes and fetched anew after, so a withdrawn key stops working")
    func cachedSetExpires() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try Self.assertion(at: 0, kid: "rsa-1", key: F.rsa))
        try await harness.verify(try Self.assertion(at: 599, kid: "rsa-1", key: F.rsa), at: Self.time(599))
        #expect(await harness.host.fetches == 1)

        await harness.host.publish(try F.jwks([try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "rsa-2")]))
        await harness.expectRefusal(.unknownKey, try Self.assertion(at: 600, kid: "rsa-1", key: F.rsa), at: Self.time(600))
        #expect(await harness.host.fetches == 2)
    }

    @Test("concurrent lookups of one jwks_uri share one fetch")
    func concurrentLookupsShareOneFetch() async throws {
        let harness = try AssertionHarness.standard()
        await harness.host.respond(after: .milliseconds(200))
        let assertions = try (0..<8).map { _ in try F.rs256() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for assertion in assertions { group.addTask { try await harness.verify(assertion) } }
            try await group.waitForAll()
        }
        #expect(await harness.host.fetches == 1)
    }

    @Test("a host that fails gives keysUnavailable, is not asked again for 5 s, and is asked after")
    func failingHostIsRetriedAfterBackoff() async throws {
        let harness = try AssertionHarness.standard()
        await harness.host.fail(true)
        await harness.expectRefusal(.keysUnavailable, try Self.assertion(at: 0, kid: "rsa-1", key: F.rsa))
        await harness.expectRefusal(.keysUnavailable, try Self.assertion(at: 4, kid: "rsa-1", key: F.rsa), at: Self.time(4))
        #expect(await harness.host.fetches == 1)

        await harness.host.fail(false)
        try await harness.verify(try Self.assertion(at: 5, kid: "rsa-1", key: F.rsa), at: Self.time(5))
        #expect(await harness.host.fetches == 2)
    }

    @Test("keys too old are not served while the host is down")
    func staleKeysAreNotServedDuringOutage() async throws {
        let harness = try AssertionHarness.standard()
        try await harness.verify(try Self.assertion(at: 0, kid: "rsa-1", key: F.rsa))
        await harness.host.fail(true)
        await harness.expectRefusal(.keysUnavailable, try Self.assertion(at: 700, kid: "rsa-1", key: F.rsa), at: Self.time(700))
    }

    @Test("a document that is not a JWK Set gives keysUnavailable, from jwks_uri or inline")
    func notAKeySetIsUnavailable() async throws {
        for document in [#"{"keys":{}}"#, #"[]"#, "not json", #"{"key":[]}"#, ""] {
            let harness = AssertionHarness(document: Data(document.utf8))
            await harness.expectRefusal(.keysUnavailable, try F.rs256())
            await harness.expectRefusal(.keysUnavailable, try F.rs256(), keys: .jwks(Data(document.utf8)))
        }
    }

    @Test("unusable keys are skipped, not fatal: the one good key in a hostile set still verifies")
    func unusableKeysAreSkipped() async throws {
        let good = try F.jwk(rsa: F.rsa.publicKey, kid: "good")
        let goodEC = F.jwk(p256: F.p256.publicKey, kid: "ec-good")
        var withPrivatePart = try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "private")
        withPrivatePart["d"] = "AQAB"
        var forEncryption = try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "enc")
        forEncryption["use"] = "enc"
        var wrongOps = try F.jwk(rsa: F.rotatedRSA.publicKey, kid: "ops")
        wrongOps["key_ops"] = ["encrypt"]
        var shortX = goodEC
        shortX["kid"] = "short"
        shortX["x"] = "AQAB"
        var offCurve = goodEC
        offCurve["kid"] = "off-curve"
        offCurve["y"] = Base64URL.encode([UInt8](repeating: 1, count: 32))
        let hostile: [Any] = [
            "a string", 42, NSNull(), [:] as [String: Any], ["kty": "oct", "k": "c2VjcmV0", "kid": "hmac"], ["kty": "RSA", "kid": "no-n"],
            ["kty": "EC", "crv": "P-384", "x": "AA", "y": "AA", "kid": "p384"], ["kty": "RSA", "n": "!!", "e": "AQAB", "kid": "bad-b64"],
            withPrivatePart, forEncryption, wrongOps, shortX, offCurve, good,
        ]
        let document = try JSONSerialization.data(withJSONObject: ["keys": hostile])
        let harness = AssertionHarness(document: document)
        try await harness.verify(try F.rs256(kid: "good"))
        for kid in ["private", "enc", "ops"] {
            await harness.expectRefusal(.unknownKey, try F.rs256(kid: kid, key: F.rotatedRSA))
        }
        await harness.expectRefusal(.unknownKey, try F.assertion(header: ["alg": "ES256", "kid": "off-curve"], signer: .es256(F.p256)))
    }
}
