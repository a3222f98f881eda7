import Foundation
import Shared
import Testing

@Suite("JSON objects written by hand, byte for byte as the JSON encoder writes them")
struct JSONObjectTextTests {
    /// The same members through Foundation's encoder, as `JSONResponse.encoder` is set up.
    enum Member: Encodable {
        case string(String), integer(Int64), boolean(Bool), strings([String]), object([String: Member])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .boolean(let value): try container.encode(value)
            case .strings(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }

        var written: JSONObjectText? {
            guard case .object(let members) = self else { return nil }
            var object = JSONObjectText()
            for (key, member) in members {
                switch member {
                case .string(let value): object.add(key, value)
                case .integer(let value): object.add(key, value)
                case .boolean(let value): object.add(key, value)
                case .strings(let value): object.add(key, value)
                case .object: object.add(key, member.written!)
                }
            }
            return object
        }
    }

    /// Every ASCII character, DEL, C1 controls, the JavaScript line separators, accents, CJK and an emoji.
    static let hostile: [String] = {
        var ascii = ""
        for scalar in 0..<0x80 { ascii.unicodeScalars.append(Unicode.Scalar(UInt8(scalar))) }
        return [ascii, "", "a/b\\c\"d", "\u{7F}\u{80}\u{85}\u{9F}", "\u{2028}\u{2029}", "Zoë 日本 😀", "\"", "\\", "\u{0}"]
    }()

    func expectSameBytes(_ members: [String: Member], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let object = Member.object(members)
        let expected = try JSONResponse.encoder.encode(object)
        #expect(object.written!.bytes == Array(expected), sourceLocation: sourceLocation)
    }

    @Test("Strings with every ASCII character, control characters, quotes, slashes and non-ASCII text")
    func strings() throws {
        for (index, text) in Self.hostile.enumerated() {
            try expectSameBytes(["text": .string(text), "list": .strings([text, text]), "key \(text) \(index)": .boolean(true)])
        }
    }

    @Test("Numbers at their limits, booleans, empty and nested objects, empty lists")
    func shapes() throws {
        try expectSameBytes([:])
        try expectSameBytes(["min": .integer(.min), "max": .integer(.max), "zero": .integer(0), "no": .boolean(false), "yes": .boolean(true)])
        try expectSameBytes(["empty": .strings([]), "inner": .object([:]), "nested": .object(["b": .integer(1), "a": .object(["z": .string("/")])])])
    }

    @Test("Keys in the encoder's order: by their bytes, a prefix first, `_` before letters, capitals before small letters")
    func keyOrder() throws {
        try expectSameBytes(["sub": .integer(1), "subject_type": .integer(2), "aud": .integer(3), "auth_time": .integer(4), "ab": .integer(5)])
        try expectSameBytes(["a_b": .integer(1), "ab": .integer(2), "B": .integer(3), "Z": .integer(4), "a": .integer(5), "é": .integer(6), "z": .integer(7)])
    }

    @Test("Random objects, three levels deep")
    func random() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = Self.hostile + ["iss", "client_id", "tickets:read", "https://mcp.example.com/mcp"]
        func text() -> String { (0..<Int.random(in: 0...3, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined() }
        func member(depth: Int) -> Member {
            switch Int.random(in: 0..<(depth < 2 ? 5 : 4), using: &generator) {
            case 0: return .string(text())
            case 1: return .integer(Int64.random(in: .min ... .max, using: &generator))
            case 2: return .boolean(Bool.random(using: &generator))
            case 3: return .strings((0..<Int.random(in: 0...3, using: &generator)).map { _ in text() })
            default: return .object(members(depth: depth + 1))
            }
        }
        func members(depth: Int) -> [String: Member] {
            Dictionary((0..<Int.random(in: 0...8, using: &generator)).map { _ in (text(), member(depth: depth)) }, uniquingKeysWith: { first, _ in first })
        }
        for _ in 0..<300 { try expectSameBytes(members(depth: 0)) }
    }

    @Test("Doubles read back as the same value")
    func doubles() throws {
        struct Box: Decodable { let value: Double }
        for value in [0, -0.0, 1, 1.5, 786_841_234.123_456, -1e-300, 1e300, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude, 0.1] {
            var object = JSONObjectText()
            object.add("value", value)
            let read = try JSONDecoder().decode(Box.self, from: Data(object.bytes))
            #expect(read.value == value)
        }
    }

    @Test("Access-token claims and introspection answers read back whole, hostile text and all")
    func claimsRoundTrip() throws {
        let full = AccessTokenClaims(
            issuer: "https://auth.example.com/t/acme", subject: "usr_\u{0}\"\\/", audience: "https://mcp.example.com/mcp", clientID: "Zoë 日本 😀",
            scope: "tickets:read search:read", issuedAt: 1_700_000_000, notBefore: 1_699_999_990, expiresAt: .max, tokenID: "\u{2028}\n", grantID: "grant_1",
            tenantID: "acme", authTime: .min, acr: "mfa", amr: ["pwd", "otp", "\u{1F}"], role: "technician", company: "Acme \"North\"",
            email: "a/b@example.com", subjectType: "service_account", name: "backup\tbot")
        let bare = AccessTokenClaims(
            issuer: "i", subject: "s", audience: "a", clientID: "c", scope: "", issuedAt: 0, expiresAt: 1, tokenID: "t", grantID: "g", tenantID: "d")
        for claims in [full, bare] {
            #expect(try JSONDecoder().decode(AccessTokenClaims.self, from: Data(claims.jsonObject.bytes)) == claims)
            for kind in [IntrospectionAnswer.Kind.accessToken, .refreshToken, .personalAccessToken] {
                let answer = IntrospectionAnswer.active(kind, claims: claims)
                let bytes = Data(answer.jsonObject.bytes)
                #expect(try JSONDecoder().decode(IntrospectionAnswer.self, from: bytes) == answer)
                let object = try #require(JSONSerialization.jsonObject(with: bytes) as? [String: Any])
                #expect(object["token_type"] as? String == (kind == .refreshToken ? nil : "Bearer"))
            }
        }
        #expect(String(decoding: IntrospectionAnswer.inactive.jsonObject.bytes, as: UTF8.self) == #"{"active":false}"#)
    }
}
