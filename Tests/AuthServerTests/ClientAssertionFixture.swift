import Crypto
import CryptoExtras
import Foundation
import Logging
import Shared
import Testing

@testable import AuthServerCore

/// Keys, a clock, a fake JWKS host and hand-made client assertions for the client-authentication tests.
/// Assertions are built member by member, so any header, claim or signature can be made hostile.
enum AssertionFixture {
    static let clientID = "https://chatgpt.com/oauth/app-123/client.json"
    static let issuer = "https://acme.example.com"
    static let tokenEndpoint = "https://acme.example.com/oauth/token"
    static let audiences: Set<String> = [issuer, tokenEndpoint]
    static let jwksURI = URL(string: "https://chatgpt.com/oauth/jwks.json")!
    /// Every assertion here is judged at this instant unless a test moves the clock.
    static let now = Date(timeIntervalSince1970: 1_750_000_000)
    static let nowSeconds = Int64(now.timeIntervalSince1970)

    // Generated once per run: RSA key generation is slow in a debug build.
    static let rsa = makeRSA(bits: 2048)
    static let rotatedRSA = makeRSA(bits: 2048)
    static let weakRSA = makeRSA(bits: 1024)
    static let p256 = P256.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()

    private static func makeRSA(bits: Int) -> _RSA.Signing.PrivateKey {
        do {
            return try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))
        } catch {
            fatalError("cannot generate a \(bits)-bit RSA key: \(error)")
        }
    }

    // MARK: - JWKs

    static func jwk(rsa key: _RSA.Signing.PublicKey, kid: String?, alg: String? = "RS256") throws -> [String: Any] {
        let primitives = try key.getKeyPrimitives()
        return member(["kty": "RSA", "n": Base64URL.encode(primitives.modulus), "e": Base64URL.encode(primitives.publicExponent)], kid, alg)
    }

    static func jwk(p256 key: P256.Signing.PublicKey, kid: String?, alg: String? = "ES256") -> [String: Any] {
        let point = key.x963Representation
        return member(
            ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(point.dropFirst().prefix(32)), "y": Base64URL.encode(point.suffix(32))],
            kid, alg)
    }

    static func jwk(ed25519 key: Curve25519.Signing.PublicKey, kid: String?, alg: String? = "EdDSA") -> [String: Any] {
        member(["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(key.rawRepresentation)], kid, alg)
    }

    private static func member(_ base: [String: Any], _ kid: String?, _ alg: String?) -> [String: Any] {
        var jwk = base
        jwk["kid"] = kid
        jwk["alg"] = alg
        return jwk
    }

    static func jwks(_ keys: [[String: Any]]) throws -> Data {
        try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])
    }

    /// The client's usual set: its RSA key (kid rsa-1) and its P-256 key (kid ec-1).
    static func standardJWKS() throws -> Data {
        try jwks([jwk(rsa: rsa.publicKey, kid: "rsa-1"), jwk(p256: p256.publicKey, kid: "ec-1")])
    }

    // MARK: - Assertions

    enum Signer {
        case rs256(_RSA.Signing.PrivateKey)
        case ps256(_RSA.Signing.PrivateKey)
        case es256(P256.Signing.PrivateKey)
        case edDSA(Curve25519.Signing.PrivateKey)
        case hs256(SymmetricKey)
        case unsigned

        func sign(_ input: Data) throws -> Data {
            switch self {
            case .rs256(let key): try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
            case .ps256(let key): try key.signature(for: input, padding: .PSS).rawRepresentation
            case .es256(let key): try key.signature(for: input).rawRepresentation
            case .edDSA(let key): try key.signature(for: input)
            case .hs256(let key): Data(HMAC<SHA256>.authenticationCode(for: input, using: key))
            case .unsigned: Data()
            }
        }
    }

    /// The claims ChatGPT sends: iss = sub = client, aud = our token endpoint, a minute to live, a fresh jti.
    /// `overrides` replaces members; a value of `NSNull()` removes one.
    static func claims(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var claims: [String: Any] = [
            "iss": clientID, "sub": clientID, "aud": tokenEndpoint, "iat": nowSeconds, "exp": nowSeconds + 60,
            "jti": UUID().uuidString,
        ]
        for (key, value) in overrides { claims[key] = value is NSNull ? nil : value }
        return claims
    }

    static func assertion(header: [String: Any], claims: [String: Any] = claims(), signer: Signer) throws -> String {
        let headerJSON = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        let payloadJSON = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys])
        let signingInput = Base64URL.encode(headerJSON) + "." + Base64URL.encode(payloadJSON)
        return signingInput + "." + Base64URL.encode(try signer.sign(Data(signingInput.utf8)))
    }

    /// An RS256 assertion under kid rsa-1, as ChatGPT makes them.
    static func rs256(_ claims: [String: Any] = claims(), kid: String = "rsa-1", key: _RSA.Signing.PrivateKey = rsa) throws -> String {
        try assertion(header: ["alg": "RS256", "kid": kid, "typ": "JWT"], claims: claims, signer: .rs256(key))
    }
}

/// A client's JWKS host: serves whatever document it holds and counts the requests.
actor FakeJWKSHost {
    private(set) var document: Data
    private(set) var fetches = 0
    private var delay: Duration?
    private var failing = false

    init(document: Data) { self.document = document }

    func serve(_ url: URL) async throws -> Data {
        fetches += 1
        if let delay { try await Task.sleep(for: delay) }
        if failing { throw URLError(.cannotConnectToHost) }
        return document
    }

    func publish(_ document: Data) { self.document = document }
    func respond(after delay: Duration?) { self.delay = delay }
    func fail(_ failing: Bool) { self.failing = failing }
}

/// A verifier wired to a fake host and a fresh replay store, with the fixture's defaults.
struct AssertionHarness {
    static func standard() throws -> AssertionHarness { AssertionHarness(document: try AssertionFixture.standardJWKS()) }

    let host: FakeJWKSHost
    let verifier: ClientAssertionVerifier

    init(document: Data) {
        let host = FakeJWKSHost(document: document)
        self.host = host
        let cache = ClientJWKSCache(logger: Logger(label: "test")) { url in try await host.serve(url) }
        verifier = ClientAssertionVerifier(keyCache: cache, replayStore: InMemoryClientAssertionReplayStore())
    }

    func verify(
        _ assertion: String, keys: ClientKeySet = .jwksURI(AssertionFixture.jwksURI), clientID: String = AssertionFixture.clientID,
        type: String = ClientAssertionVerifier.assertionType, at now: Date = AssertionFixture.now
    ) async throws(ClientAssertionError) {
        try await verifier.verify(
            assertionType: type, assertion: assertion, clientID: clientID, acceptedAudiences: AssertionFixture.audiences, keys: keys,
            now: now)
    }

    /// Expects `assertion` to be refused with exactly `error`.
    func expectRefusal(
        _ error: ClientAssertionError, _ assertion: String, keys: ClientKeySet = .jwksURI(AssertionFixture.jwksURI),
        at now: Date = AssertionFixture.now, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await #expect(throws: error, sourceLocation: sourceLocation) { try await verify(assertion, keys: keys, at: now) }
    }
}
