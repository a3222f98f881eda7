import Foundation
import Testing

@testable import AuthServerCore

@Suite("Lists kept as JSON in a column")
struct RowListsTests {
    static let lists: [[String]] = [
        [], [""], ["https://claude.ai/api/mcp/auth_callback", "http://127.0.0.1:33418/callback"], ["authorization_code", "refresh_token"],
        ["a\"b\\c/d"], ["\u{0}\u{1F}\n\t\u{7F}"], ["Zoë 日本 😀", "\u{2028}"], ["urn:ietf:params:oauth:grant-type:device_code"],
    ]

    @Test("What the stores write reads back as it was, control characters and all")
    func roundTrip() throws {
        for list in Self.lists {
            #expect(try RowLists.jsonArray(try RowLists.jsonText(list)) == list)
        }
    }

    @Test("JSON in other forms reads as JSONDecoder reads it: whitespace, \\u escapes, surrogate pairs")
    func otherForms() throws {
        for text in [#"[ "a" , "b" ]"#, #"["\u0041\u00e9\ud83d\ude00"]"#, #"["\n\t\b\f\r"]"#, "\n[\"x\"]\n", #"["a\/b"]"#, "[]"] {
            #expect(try RowLists.jsonArray(text) == JSONDecoder().decode([String].self, from: Data(text.utf8)), "\(text)")
        }
    }

    @Test("Anything that is not a list of strings is refused, as the decoder refuses it")
    func malformed() {
        for text in ["", "[", "]", #"["a""#, #"["a"]x"#, #"["a" "b"]"#, "[1]", #"{"a":"b"}"#, "[\"a\u{1}\"]", #"["\x"]"#, "[null]", #""a""#] {
            #expect(throws: (any Error).self, "\(text)") { try RowLists.jsonArray(text) }
        }
    }
}
