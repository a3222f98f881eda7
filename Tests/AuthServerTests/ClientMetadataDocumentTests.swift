import Foundation
import Testing

@testable import AuthServerCore

/// What a metadata document must say, and what it must not (CIMD draft § Client Metadata Document).
@Suite("Client metadata documents")
struct ClientMetadataDocumentTests {
    typealias Problem = ClientMetadataDocument.Problem
    static let url = "https://client.example/oauth/client.json"

    /// A valid public client's document with `changes` applied; a nil value removes the member.
    static func document(_ changes: [String: Any?] = [:]) -> Data {
        var members: [String: Any] = [
            "client_id": url,
            "client_name": "Example Client",
            "redirect_uris": ["https://client.example/callback"],
        ]
        for (name, value) in changes { members[name] = value ?? nil }
        return try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
    }

    static func parse(_ json: Data, clientID: String? = url, allowLoopbackHTTP: Bool = false) throws(Problem) -> ClientMetadataDocument {
        try ClientMetadataDocument(json: json, clientID: clientID, allowLoopbackHTTP: allowLoopbackHTTP)
    }

    static func problem(_ json: Data, clientID: String? = url, allowLoopbackHTTP: Bool = false) -> Problem? {
        do {
            _ = try parse(json, clientID: clientID, allowLoopbackHTTP: allowLoopbackHTTP)
            return nil
        } catch {
            return error
        }
    }

    @Test("a minimal public client: defaults for the method and grant types")
    func minimal() throws {
        let document = try Self.parse(Self.document())
        #expect(document.clientID == Self.url)
        #expect(document.clientName == "Example Client")
        #expect(document.redirectURIs == ["https://client.example/callback"])
        #expect(document.tokenEndpointAuthMethod == .none)
        #expect(document.grantTypes == ["authorization_code"])
        #expect(document.jwksURI == nil && document.jwks == nil && document.scope == nil && document.logoURI == nil)
    }

    @Test("ChatGPT's document shape, with members that are not client metadata, is accepted")
    func chatGPTShape() throws {
        let url = "https://chatgpt.com/oauth/tU1UVEq8rRTK/client.json"
        let json = Data("""
            {"client_id":"\(url)","client_uri":"https://chatgpt.com/",
             "redirect_uris":["https://chatgpt.com/connector/oauth/tU1UVEq8rRTK"],
             "token_endpoint_auth_method":"private_key_jwt","token_endpoint_auth_methods_supported":["none","private_key_jwt"],
             "grant_types":["authorization_code","refresh_token"],"response_types":["code"],"client_name":"ChatGPT",
             "logo_uri":"https://persistent.oaistatic.com/sonic/misc/openai-logo.png","token_endpoint_auth_signing_alg":"RS256",
             "jwks_uri":"https://chatgpt.com/oauth/jwks.json","something_new":{"nested":[1,2,3]}}
            """.utf8)
        let document = try Self.parse(json, clientID: url)
        #expect(document.tokenEndpointAuthMethod == .privateKeyJWT)
        #expect(document.tokenEndpointAuthSigningAlgorithm == "RS256")
        #expect(document.jwksURI == URL(string: "https://chatgpt.com/oauth/jwks.json"))
        #expect(document.grantTypes == ["authorization_code", "refresh_token"])
        #expect(document.logoURI == "https://persistent.oaistatic.com/sonic/misc/openai-logo.png")
        #expect(document.clientURI == "https://chatgpt.com/")
    }

    @Test(
        "without token_endpoint_auth_method, the methods a document lists are a choice (RP Metadata Choices): private_key_jwt when it has keys",
        arguments: [
            (["none", "private_key_jwt"], true, .privateKeyJWT), (["private_key_jwt"], true, .privateKeyJWT),
            (["none", "private_key_jwt"], false, .none), (["none"], true, .none), ([], false, .none),
        ] as [([String], Bool, ClientMetadataDocument.AuthenticationMethod)]
    )
    func methodChoices(offered: [String], hasKeys: Bool, expected: ClientMetadataDocument.AuthenticationMethod) throws {
        let document = try Self.parse(
            Self.document([
                "token_endpoint_auth_methods_supported": offered, "jwks_uri": hasKeys ? "https://client.example/jwks.json" : nil,
            ]))
        #expect(document.tokenEndpointAuthMethod == expected)
    }

    @Test("a listed choice with nothing we can use is refused, and one naming private_key_jwt alone needs keys")
    func methodChoicesRefused() {
        #expect(
            Self.problem(Self.document(["token_endpoint_auth_methods_supported": ["client_secret_basic", "tls_client_auth"]]))
                == .unsupportedAuthMethod("client_secret_basic, tls_client_auth"))
        #expect(Self.problem(Self.document(["token_endpoint_auth_methods_supported": ["private_key_jwt"]])) == .keysMissing)
        #expect(
            Self.problem(Self.document(["token_endpoint_auth_methods_supported": "private_key_jwt"]))
                == .wrongType("token_endpoint_auth_methods_supported", expected: "an array of strings"))
        // A named method wins over the list.
        #expect(
            (try? Self.parse(
                Self.document([
                    "token_endpoint_auth_method": "none", "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "jwks_uri": "https://client.example/jwks.json",
                ])))?.tokenEndpointAuthMethod == ClientMetadataDocument.AuthenticationMethod.none)
    }

    @Test("client_id must equal the URL byte for byte")
    func clientIDMismatch() {
        for other in [Self.url + "/", "https://CLIENT.example/oauth/client.json", "https://client.example/oauth/client.json?x", "https://evil.example/c.json"] {
            #expect(Self.problem(Self.document(["client_id": other])) == .clientIDMismatch(found: other))
        }
        #expect(Self.problem(Self.document(["client_id": nil])) == .missing("client_id"))
        #expect(Self.problem(Self.document(["client_id": 42])) == .wrongType("client_id", expected: "a string"))
    }

    @Test("client_name and a non-empty redirect_uris are required")
    func requiredMembers() {
        #expect(Self.problem(Self.document(["client_name": nil])) == .missing("client_name"))
        #expect(Self.problem(Self.document(["client_name": "  "])) == .missing("client_name"))
        #expect(Self.problem(Self.document(["client_name": NSNull()])) == .missing("client_name"))
        #expect(Self.problem(Self.document(["redirect_uris": nil])) == .missing("redirect_uris"))
        #expect(Self.problem(Self.document(["redirect_uris": [String]()])) == .missing("redirect_uris"))
        #expect(Self.problem(Self.document(["redirect_uris": "https://client.example/callback"]))
            == .wrongType("redirect_uris", expected: "an array of strings"))
        #expect(Self.problem(Self.document(["redirect_uris": ["https://client.example/callback", 7]]))
            == .wrongType("redirect_uris", expected: "an array of strings"))
    }

    @Test("shared-secret methods and client_secret members are refused")
    func sharedSecrets() {
        for method in ["client_secret_basic", "client_secret_post", "client_secret_jwt"] {
            #expect(Self.problem(Self.document(["token_endpoint_auth_method": method])) == .sharedSecretMethod(method))
        }
        #expect(Self.problem(Self.document(["client_secret": "hunter2"])) == .clientSecretMember("client_secret"))
        #expect(Self.problem(Self.document(["client_secret_expires_at": 0])) == .clientSecretMember("client_secret_expires_at"))
        #expect(Self.problem(Self.document(["token_endpoint_auth_method": "tls_client_auth"])) == .unsupportedAuthMethod("tls_client_auth"))
        #expect(Self.problem(Self.document(["token_endpoint_auth_method": ["none"]])) == .wrongType("token_endpoint_auth_method", expected: "a string"))
    }

    @Test("private_key_jwt needs exactly one of jwks_uri and jwks, and public keys only")
    func privateKeyJWTKeys() throws {
        let method = "token_endpoint_auth_method"
        #expect(Self.problem(Self.document([method: "private_key_jwt"])) == .keysMissing)
        let key: [String: Any] = ["kty": "EC", "crv": "P-256", "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"]
        let inline = try Self.parse(Self.document([method: "private_key_jwt", "jwks": ["keys": [key]]]))
        let jwks = try #require(inline.jwks)
        let parsed = try #require(JSONSerialization.jsonObject(with: jwks) as? [String: Any])
        #expect((parsed["keys"] as? [[String: Any]])?.first?["x"] as? String == key["x"] as? String)
        #expect(Self.problem(Self.document([method: "private_key_jwt", "jwks": ["keys": [key]], "jwks_uri": "https://client.example/jwks.json"])) == .keysTwice)
        #expect(Self.problem(Self.document(["jwks": ["keys": []]])) == .invalidJWKS)
        #expect(Self.problem(Self.document(["jwks": "not a key set"])) == .invalidJWKS)
        #expect(Self.problem(Self.document(["jwks": ["keys": [key.merging(["d": "private"]) { $1 }]]])) == .privateKeyMaterial)
        #expect(Self.problem(Self.document(["jwks": ["keys": [["kty": "oct", "k": "c2VjcmV0"]]]])) == .privateKeyMaterial)
    }

    @Test("jwks_uri must be https without a fragment; http only to loopback with allow-loopback")
    func jwksURI() {
        for bad in ["http://client.example/jwks.json", "https://client.example/jwks.json#k", "/jwks.json", "https://user@client.example/jwks.json"] {
            #expect(Self.problem(Self.document(["jwks_uri": bad])) == .invalidJWKSURI(bad), "\(bad)")
        }
        #expect(Self.problem(Self.document(["jwks_uri": "http://127.0.0.1:8080/jwks.json"])) == .invalidJWKSURI("http://127.0.0.1:8080/jwks.json"))
        #expect(Self.problem(Self.document(["jwks_uri": "http://127.0.0.1:8080/jwks.json"]), allowLoopbackHTTP: true) == nil)
        #expect(Self.problem(Self.document(["jwks_uri": "http://10.0.0.1/jwks.json"]), allowLoopbackHTTP: true) == .invalidJWKSURI("http://10.0.0.1/jwks.json"))
    }

    @Test("redirect URIs: absolute, no fragment, http only to loopback, no script schemes; private-use schemes allowed")
    func redirectURIs() throws {
        let good = ["https://client.example/cb", "http://localhost/callback", "http://127.0.0.1/callback", "http://[::1]:8080/cb", "com.example.app:/oauth"]
        #expect(try Self.parse(Self.document(["redirect_uris": good])).redirectURIs == good)
        let bad: [(String, String)] = [
            ("/callback", "is not an absolute URI"),
            ("https://client.example/cb#frag", "has a fragment"),
            ("http://client.example/cb", "uses plain http to a host other than loopback"),
            ("javascript:alert(1)", "uses the javascript: scheme"),
            ("data:text/html,hi", "uses the data: scheme"),
            ("https:///cb", "has no host"),
        ]
        for (uri, reason) in bad {
            #expect(Self.problem(Self.document(["redirect_uris": [uri]])) == .invalidRedirectURI(uri, reason: reason), "\(uri)")
        }
    }

    @Test("hostile and malformed bodies are refused, not crashed on")
    func malformed() {
        for body in ["", "null", "[]", "\"text\"", "42", "{", "{\"client_id\":", "<html></html>", "[{\"client_id\":\"x\"}]"] {
            #expect(Self.problem(Data(body.utf8)) == .notJSONObject, "\(body)")
        }
        #expect(Self.problem(Data([0xFF, 0xFE, 0x00])) == .notJSONObject)
        #expect(Self.problem(Self.document(["grant_types": "authorization_code"])) == .wrongType("grant_types", expected: "an array of strings"))
        #expect(Self.problem(Self.document(["scope": ["a", "b"]])) == .wrongType("scope", expected: "a string"))
    }

    @Test("cosmetic links that are not https URLs are dropped, not fatal")
    func cosmeticLinks() throws {
        let document = try Self.parse(Self.document(["logo_uri": "javascript:alert(1)", "client_uri": "", "scope": "openid email"]))
        #expect(document.logoURI == nil && document.clientURI == nil)
        #expect(document.scope == "openid email")
    }

    @Test("a pinned copy names its own URL")
    func pinnedCopy() throws {
        #expect(try Self.parse(Self.document(), clientID: nil).clientID == Self.url)
    }

    @Test("every problem reads as the end of a sentence about the document")
    func messages() {
        let problems: [Problem] = [
            .notJSONObject, .missing("client_name"), .wrongType("scope", expected: "a string"), .clientIDMismatch(found: "x"),
            .clientSecretMember("client_secret"), .sharedSecretMethod("client_secret_post"), .unsupportedAuthMethod("x"),
            .invalidRedirectURI("x", reason: "has a fragment"), .keysMissing, .keysTwice, .invalidJWKSURI("x"), .invalidJWKS, .privateKeyMaterial,
        ]
        for problem in problems {
            let text = "\(problem)"
            #expect(!text.isEmpty && text.first!.isLowercase && !text.hasSuffix("."), "\(text)")
        }
    }
}
