import CryptoExtras
import Foundation
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import AuthServerCore

/// ChatGPT's path end to end through the real routes (RFC 7523; docs/clients.md § ChatGPT): a metadata-document client pinned like
/// GATEHOUSE_CIMD_PINNED_DIR, authenticating at /oauth/token and /oauth/revoke with `private_key_jwt`
/// signed by an RS256 key from its inline `jwks`.
@Suite("private_key_jwt over HTTP (RFC 7523)")
struct PrivateKeyJWTHTTPTests {
    typealias HTTP = AuthServerHTTPTests

    static let clientID = "https://chatgpt.com/oauth/gatehouse-test/client.json"
    static let redirect = "https://chatgpt.com/connector/oauth/gh-test-123"
    static let tokenEndpoint = HTTP.issuer + "/oauth/token"

    /// ChatGPT's document shape with an inline key set. Without `namesMethod` the document only lists the
    /// methods it can use, as RP Metadata Choices has it, and the server must pick private_key_jwt.
    static func document(namesMethod: Bool) throws -> Data {
        var members: [String: Any] = [
            "client_id": clientID, "client_name": "ChatGPT (test)", "redirect_uris": [redirect],
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "token_endpoint_auth_methods_supported": ["none", "private_key_jwt"], "token_endpoint_auth_signing_alg": "RS256",
            "jwks": ["keys": [try AssertionFixture.jwk(rsa: AssertionFixture.rsa.publicKey, kid: "rsa-1")]],
        ]
        if namesMethod { members["token_endpoint_auth_method"] = "private_key_jwt" }
        return try JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
    }

    /// An assertion made now, as ChatGPT makes them: iss = sub = client, a minute to live, a fresh jti.
    static func assertion(audience: String, jti: String = UUID().uuidString, key: _RSA.Signing.PrivateKey = AssertionFixture.rsa) throws -> String {
        let now = Int64(Date().timeIntervalSince1970)
        return try AssertionFixture.rs256(
            AssertionFixture.claims(["iss": clientID, "sub": clientID, "aud": audience, "iat": now, "exp": now + 60, "jti": jti]), key: key)
    }

    static func assertionFields(_ assertion: String) -> [(String, String)] {
        [("client_assertion_type", ClientAssertionVerifier.assertionType), ("client_assertion", assertion)]
    }

    static func post(_ client: any TestClientProtocol, _ path: String, _ fields: [(String, String)]) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await OAuthHTTPTests.form(client, path, Browser.formEncode(fields))
        return (response.status, response.body.readableBytes == 0 ? [:] : try HTTP.json(response))
    }

    @Test("code and refresh with assertions for aud = issuer and aud = token endpoint; replayed, foreign-key and none attempts refused",
        arguments: [true, false])
    func tokenEndpoint(namesMethod: Bool) async throws {
        let pins = try TemporaryDirectory()
        defer { pins.remove() }
        try Self.document(namesMethod: namesMethod).write(to: URL(fileURLWithPath: pins.file("chatgpt-test.json")))
        try await HTTP.withApplication(configure: { $0.cimdPinnedDirectory = .configured(pins.path) }) { environment, client in
            _ = try await environment.addPerson(email: "tech@example.com")
            let query = [
                ("response_type", "code"), ("client_id", Self.clientID), ("redirect_uri", Self.redirect), ("state", "s1"),
                ("code_challenge", OAuthHouse.challenge), ("code_challenge_method", "S256"), ("scope", "tickets:read"), ("resource", HTTP.resource),
            ]
            let back = try await Browser(client: client).authorize(Browser.formEncode(query), email: "tech@example.com")
            #expect(back.host == "chatgpt.com" && back.parameter("iss") == HTTP.issuer && back.parameter("state") == "s1")
            let code = try #require(back.parameter("code"))
            let stored = try #require(try await environment.storage.client(tenantID: Tenant.defaultID, id: Self.clientID))
            #expect(stored.kind == .metadataDocument && stored.authMethod == .privateKeyJWT)

            // aud = the issuer, no client_id (RFC 7523 §3.1: the assertion names the client).
            let first = try Self.assertion(audience: HTTP.issuer)
            let exchange = [
                ("grant_type", "authorization_code"), ("code", code), ("code_verifier", OAuthHouse.verifier), ("redirect_uri", Self.redirect),
                ("resource", HTTP.resource),
            ]
            let (status, tokens) = try await Self.post(client, "/oauth/token", exchange + Self.assertionFields(first))
            #expect(status == .ok, "\(tokens)")
            let refreshToken = try #require(tokens["refresh_token"] as? String)
            #expect(tokens["access_token"] is String && tokens["token_type"] as? String == "Bearer")

            // The same assertion again: its jti is spent.
            let refresh = [("grant_type", "refresh_token"), ("refresh_token", refreshToken)]
            let (replayed, replayError) = try await Self.post(client, "/oauth/token", refresh + Self.assertionFields(first))
            #expect(replayed == .badRequest && replayError["error"] as? String == "invalid_client")

            // aud = the token endpoint URL, with client_id this time; the refresh token was not spent by the refusal.
            let (refreshed, rotated) = try await Self.post(
                client, "/oauth/token", refresh + [("client_id", Self.clientID)] + Self.assertionFields(try Self.assertion(audience: Self.tokenEndpoint)))
            #expect(refreshed == .ok, "\(rotated)")
            let newRefreshToken = try #require(rotated["refresh_token"] as? String)
            #expect(newRefreshToken != refreshToken)

            let next = [("grant_type", "refresh_token"), ("refresh_token", newRefreshToken)]
            let refusals: [(String, [(String, String)])] = [
                ("signed by another key under the client's kid",
                    Self.assertionFields(try Self.assertion(audience: HTTP.issuer, key: AssertionFixture.rotatedRSA))),
                ("for another audience", Self.assertionFields(try Self.assertion(audience: "https://elsewhere.example.com/oauth/token"))),
                ("none: the client_id alone", [("client_id", Self.clientID)]),
                ("a client secret", [("client_id", Self.clientID), ("client_secret", "guess")]),
            ]
            for (attempt, fields) in refusals {
                let (refused, error) = try await Self.post(client, "/oauth/token", next + fields)
                #expect(refused == .badRequest && error["error"] as? String == "invalid_client", "\(attempt): \(refused) \(error)")
            }

            // Revocation authenticates the same way; the refresh token then dies with its grant.
            let (revoked, _) = try await Self.post(
                client, "/oauth/revoke", [("token", newRefreshToken)] + Self.assertionFields(try Self.assertion(audience: HTTP.issuer)))
            #expect(revoked == .ok)
            let (dead, deadError) = try await Self.post(
                client, "/oauth/token", next + Self.assertionFields(try Self.assertion(audience: HTTP.issuer)))
            #expect(dead == .badRequest && deadError["error"] as? String == "invalid_grant")
        }
    }
}
