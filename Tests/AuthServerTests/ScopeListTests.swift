import Testing

@testable import AuthServerCore

/// RFC 6749 §3.3 scope syntax, parsed tolerantly (docs/clients.md § Claude).
@Suite("ScopeList")
struct ScopeListTests {
    @Test("extra whitespace is tolerated and duplicates are dropped, keeping first-seen order")
    func toleratesWhitespaceAndDuplicates() {
        #expect(ScopeList.parse(" offline_access") == ["offline_access"])
        #expect(ScopeList.parse("  records:read   records:write\trecords:read\n") == ["records:read", "records:write"])
        #expect(ScopeList.parse("b a b a") == ["b", "a"])
        #expect(ScopeList.parse("") == [])
        #expect(ScopeList.parse("   ") == [])
    }

    @Test("the full printable-ASCII scope alphabet is accepted")
    func acceptsScopeCharacters() {
        #expect(ScopeList.parse("! # [ ] ~ https://api.example.com/x?y=z") == ["!", "#", "[", "]", "~", "https://api.example.com/x?y=z"])
    }

    @Test("a scope with a double quote, a backslash, a control or a non-ASCII character is refused", arguments: [
        #"records:"read""#, #"records\read"#, "read \"", "a\u{7F}", "caf\u{E9}", "a\u{0}b", "ok bad\\",
    ])
    func refusesForbiddenCharacters(text: String) {
        #expect(ScopeList.parse(text) == nil)
    }
}
