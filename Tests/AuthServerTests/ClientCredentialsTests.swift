import Foundation
import Shared
import Testing

@testable import AuthServerCore

/// Reading client credentials from a token or revocation request (RFC 6749 §2.3, §2.3.1; RFC 7523 §2.2).
@Suite("ClientCredentials")
struct ClientCredentialsTests {
    static let assertionType = ClientAssertionVerifier.assertionType

    static func basic(_ userPass: String) -> String { "Basic " + Data(userPass.utf8).base64EncodedString() }

    static func read(_ authorization: String? = nil, _ form: [String: String] = [:]) throws(ClientCredentialsError) -> ClientCredentials {
        try ClientCredentials(authorization: authorization, form: form)
    }

    @Test("client_id alone is a public client (method none)")
    func clientIDAloneIsNone() throws {
        let credentials = try Self.read(nil, ["client_id": "abc", "grant_type": "refresh_token"])
        #expect(credentials == .none(clientID: "abc"))
        #expect(credentials.method == "none")
        #expect(credentials.clientID == "abc")
    }

    @Test("HTTP Basic gives client_secret_basic; the scheme is case-insensitive")
    func basicIsRead() throws {
        for scheme in ["Basic", "basic", "BASIC"] {
            let header = scheme + " " + Data("abc:s3cret".utf8).base64EncodedString()
            #expect(try Self.read(header) == .secretBasic(clientID: "abc", secret: "s3cret"))
        }
        #expect(try Self.read(Self.basic("abc:s3cret")).method == "client_secret_basic")
    }

    @Test("RFC 6749 §2.3.1: id and secret are form-urlencoded inside Basic, and decoded")
    func basicValuesAreFormURLDecoded() throws {
        // id "my client:1", secret "p@ss:wörd+=&": both encoded before joining with ":".
        let header = Self.basic("my+client%3A1:p%40ss%3Aw%C3%B6rd%2B%3D%26")
        #expect(try Self.read(header) == .secretBasic(clientID: "my client:1", secret: "p@ss:wörd+=&"))
        // An unencoded colon in the secret stays with the secret: only the first colon separates.
        #expect(try Self.read(Self.basic("abc:x:y")) == .secretBasic(clientID: "abc", secret: "x:y"))
    }

    @Test("unpadded base64 in Basic is accepted")
    func unpaddedBasicIsAccepted() throws {
        let unpadded = Data("abc:s3cret1".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(try Self.read("Basic " + unpadded) == .secretBasic(clientID: "abc", secret: "s3cret1"))
    }

    @Test("spaces and tabs around the credentials are ignored")
    func blanksAroundBasicAreIgnored() throws {
        let encoded = Data("abc:s3cret".utf8).base64EncodedString()
        #expect(try Self.read("Basic   \t" + encoded + " \t") == .secretBasic(clientID: "abc", secret: "s3cret"))
    }

    @Test("malformed Basic is refused", arguments: [
        "Basic", "Basic ", "Basic !!!!", "Basic " + Data("no-colon".utf8).base64EncodedString(),
        "Basic " + Data(":secret".utf8).base64EncodedString(), "Basic " + Data("abc:%zz".utf8).base64EncodedString(),
        "Basic " + Data("%C3:secret".utf8).base64EncodedString(), "Basic " + Data([0x61, 0xFF, 0x3A, 0x62]).base64EncodedString(),
        "Basic YWJj OnNlY3JldA==",
    ])
    func malformedBasicIsRefused(header: String) {
        #expect(throws: ClientCredentialsError.malformedAuthorization) { try Self.read(header) }
    }

    @Test("an Authorization scheme other than Basic is refused")
    func otherSchemesAreRefused() {
        for header in ["Bearer abc", "Digest x", "", "Basicabc"] {
            #expect(throws: ClientCredentialsError.unsupportedAuthorizationScheme) { try Self.read(header) }
        }
    }

    @Test("Basic with the same client_id repeated in the body is accepted; a different one is refused")
    func basicWithBodyClientID() throws {
        #expect(try Self.read(Self.basic("abc:s"), ["client_id": "abc"]) == .secretBasic(clientID: "abc", secret: "s"))
        #expect(throws: ClientCredentialsError.conflictingClientID) { try Self.read(Self.basic("abc:s"), ["client_id": "xyz"]) }
    }

    @Test("an empty secret, in Basic or in the body, identifies a public client")
    func emptySecretIsNone() throws {
        #expect(try Self.read(Self.basic("abc:")) == .none(clientID: "abc"))
        #expect(try Self.read(nil, ["client_id": "abc", "client_secret": ""]) == .none(clientID: "abc"))
    }

    @Test("client_secret in the body gives client_secret_post, and needs client_id")
    func postIsRead() throws {
        let credentials = try Self.read(nil, ["client_id": "abc", "client_secret": "s3cret"])
        #expect(credentials == .secretPost(clientID: "abc", secret: "s3cret"))
        #expect(credentials.method == "client_secret_post")
        #expect(throws: ClientCredentialsError.missingClientID) { try Self.read(nil, ["client_secret": "s3cret"]) }
    }

    @Test("client_assertion gives private_key_jwt, with client_id from the body or else the assertion's sub")
    func assertionIsRead() throws {
        let assertion = try AssertionFixture.rs256()
        let withID = try Self.read(
            nil, ["client_id": "explicit", "client_assertion_type": Self.assertionType, "client_assertion": assertion])
        #expect(withID == .privateKeyJWT(clientID: "explicit", assertionType: Self.assertionType, assertion: assertion))
        #expect(withID.method == "private_key_jwt")
        let withoutID = try Self.read(nil, ["client_assertion_type": Self.assertionType, "client_assertion": assertion])
        #expect(withoutID.clientID == AssertionFixture.clientID)
    }

    @Test("an assertion needs both fields, and without client_id a readable sub")
    func incompleteAssertionIsRefused() throws {
        let assertion = try AssertionFixture.rs256()
        #expect(throws: ClientCredentialsError.incompleteAssertion) {
            try Self.read(nil, ["client_id": "a", "client_assertion": assertion])
        }
        #expect(throws: ClientCredentialsError.incompleteAssertion) {
            try Self.read(nil, ["client_id": "a", "client_assertion_type": Self.assertionType])
        }
        #expect(throws: ClientCredentialsError.incompleteAssertion) {
            try Self.read(nil, ["client_id": "a", "client_assertion_type": Self.assertionType, "client_assertion": ""])
        }
        #expect(throws: ClientCredentialsError.missingClientID) {
            try Self.read(nil, ["client_assertion_type": Self.assertionType, "client_assertion": "not.a.jwt"])
        }
        let noSubject = try AssertionFixture.rs256(AssertionFixture.claims(["sub": NSNull()]))
        #expect(throws: ClientCredentialsError.missingClientID) {
            try Self.read(nil, ["client_assertion_type": Self.assertionType, "client_assertion": noSubject])
        }
    }

    @Test("RFC 6749 §2.3: two methods in one request are refused")
    func twoMethodsAreRefused() throws {
        let assertion = try AssertionFixture.rs256()
        let cases: [(String?, [String: String])] = [
            (Self.basic("abc:s"), ["client_secret": "s"]),
            (Self.basic("abc:s"), ["client_assertion_type": Self.assertionType, "client_assertion": assertion]),
            (nil, ["client_id": "abc", "client_secret": "s", "client_assertion_type": Self.assertionType, "client_assertion": assertion]),
            (nil, ["client_id": "abc", "client_secret": "s", "client_assertion": assertion]),
            (Self.basic("abc:"), ["client_id": "abc", "client_secret": "s"]),
        ]
        for (header, form) in cases {
            #expect(throws: ClientCredentialsError.multipleMethods) { try Self.read(header, form) }
        }
    }

    @Test("a request naming no client is refused")
    func noClientIsRefused() {
        #expect(throws: ClientCredentialsError.missingClientID) { try Self.read(nil, [:]) }
        #expect(throws: ClientCredentialsError.missingClientID) { try Self.read(nil, ["client_id": ""]) }
    }

    @Test("the description names method and client, never the secret or the assertion")
    func descriptionHidesSecrets() throws {
        let basic = try Self.read(Self.basic("abc:topsecret"))
        #expect("\(basic)" == "client_secret_basic client_id=abc")
        let post = try Self.read(nil, ["client_id": "abc", "client_secret": "topsecret"])
        #expect(!"\(post)".contains("topsecret"))
        let assertion = try AssertionFixture.rs256()
        let jwt = try Self.read(nil, ["client_id": "abc", "client_assertion_type": Self.assertionType, "client_assertion": assertion])
        #expect(!"\(jwt)".contains(assertion))
    }
}
