import HTTPTypes
import Hummingbird
import Shared
import Testing

@Suite("Authorization header and media types")
struct AuthorizationHeaderTests {
    @Test("RFC 6750 §2.1: the Bearer scheme is case-insensitive and the token must be a b64token", arguments: [
        ("Bearer abc.def-_~+/=", "abc.def-_~+/=" as String?), ("bearer abc", "abc"), ("BEARER  abc", "abc"), ("Bearer", nil),
        ("Bearer ", nil), ("Bearerabc", nil), ("Basic abc", nil), ("Bearer a b", nil), ("Bearer a\"b", nil), ("Bear abc", nil),
        ("Bearer ünï", nil),
    ])
    func bearer(header: String, token: String?) {
        let fields: HTTPFields = [.authorization: header]
        #expect(fields.bearerToken.map(String.init) == token)
    }

    @Test("Media types are read without parameters, lower-cased, in order", arguments: [
        ("application/json", ["application/json"]), ("Application/JSON; charset=utf-8", ["application/json"]),
        ("application/json, text/event-stream", ["application/json", "text/event-stream"]),
        (" text/event-stream ;q=0.5 ,, */*", ["text/event-stream", "*/*"]), ("", []), (" , ", []),
    ])
    func mediaTypes(header: String, expected: [String]) {
        #expect(MediaTypes.parse(header) == expected)
    }
}
