import Shared
import Testing

@Suite("Ledger text is bounded")
struct LedgerEntryTests {
    @Test("Printable text is kept whole; control characters go, whatever the script; anything longer is cut to the limit")
    func boundedText() {
        let limit = LedgerEntry.maximumTextLength
        #expect(LedgerEntry.bounded(nil) == nil)
        #expect(LedgerEntry.bounded("") == "")
        #expect(LedgerEntry.bounded("alice@example.com tickets:read ~!") == "alice@example.com tickets:read ~!")
        #expect(LedgerEntry.bounded(String(repeating: "a", count: limit)) == String(repeating: "a", count: limit))
        #expect(LedgerEntry.bounded(String(repeating: "a", count: limit + 1)) == String(repeating: "a", count: limit))
        #expect(LedgerEntry.bounded("a\u{7F}b") == "ab")
        #expect(LedgerEntry.bounded("a\tb\nc\rd\u{7F}e\u{0}f\u{1B}[31m") == "abcdef[31m")
        #expect(LedgerEntry.bounded("Zoë\u{85} 日本 \u{9F}") == "Zoë 日本 ")
        #expect(LedgerEntry.bounded(String(repeating: "é", count: limit + 5)) == String(repeating: "é", count: limit))
    }
}
