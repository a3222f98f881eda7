import Foundation
import Testing

@testable import Shared

@Suite("JSON reader and writer")
struct JSONValueTests {
    static let valid = [
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":[1,2.5,-3e2,true,false,null]}}}"#,
        #"  [ ]  "#, #"{}"#, #""plain""#, "0", "-0", "9223372036854775807", "-9223372036854775808", "12345678901234567890",
        #""\u00e9\ud83d\ude00 \"quoted\" back\\slash \/ \b\f\n\r\t""#, #"{"nested":{"deeper":{"deepest":[[[]]]}}}"#,
        "\"ünïcödé ✓ 😀\"",
    ]

    @Test("Valid documents read the same as Foundation reads them, and survive a write and a read", arguments: valid)
    func agreesWithFoundation(text: String) throws {
        let ours = try JSONValue.parse(text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        // Foundation reads `-3e2` as an integer and we as a fraction: compare numbers by value.
        #expect(ours.numbersAsDoubles == foundation.numbersAsDoubles)
        let written = String(buffer: ours.serialized)
        #expect(try JSONValue.parse(written) == ours)
    }

    @Test("Invalid documents are refused", arguments: [
        "", " ", "{", "}", "[1,]", #"{"a":1,}"#, "01", "1.", ".5", "-", "+1", "1e", "tru", "nul", #"{"a" 1}"#, #"{1:2}"#,
        "\"unterminated", "\"tab\there\"", #""\x""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, "1e999", "NaN", "[1] [2]",
        String(repeating: "[", count: 65) + String(repeating: "]", count: 65),
    ])
    func refused(text: String) {
        #expect(throws: (any Error).self) { try JSONValue.parse(text) }
    }

    @Test("Invalid UTF-8 inside a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC3, 0x28, 0x22]
        #expect(throws: (any Error).self) { try bytes.withUnsafeBytes { try JSONValue.parse($0) } }
    }

    @Test("Nesting up to the limit is fine")
    func depth() throws {
        let depth = JSONValue.maximumDepth
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(throws: Never.self) { try JSONValue.parse(text) }
    }

    @Test("The writer escapes quotes, backslashes and control characters, sorts keys and writes no non-finite numbers")
    func writer() {
        let value: JSONValue = [
            "b": "quote\" slash\\ nl\n ctl\u{01}", "a": .double(.infinity), "c": .double(1.5), "d": [0, -7, .int(.min), .int(.max)],
            "é": "ünï ✓\u{1F}",
        ]
        #expect(
            String(buffer: value.serialized)
                == #"{"a":null,"b":"quote\" slash\\ nl\n ctl\u0001","c":1.5,"d":[0,-7,-9223372036854775808,9223372036854775807],"é":"ünï ✓\u001f"}"#
        )
    }
}

extension JSONValue {
    var numbersAsDoubles: JSONValue {
        switch self {
        case .int(let value): .double(Double(value))
        case .array(let elements): .array(elements.map(\.numbersAsDoubles))
        case .object(let members): .object(members.mapValues(\.numbersAsDoubles))
        default: self
        }
    }
}
