import Testing

@testable import ServiceDesk

@Suite("Search excerpts")
struct SearchExcerptTests {
    @Test("The first match in context, every term bracketed whatever its case, cut with an ellipsis")
    func excerpt() {
        let text = "Since this morning the front desk printer shows offline for everyone; we turned the Printer off and on twice already."
        let excerpt = SearchExcerpt.make(text, terms: ["printer", "OFFLINE"])
        #expect(excerpt == "…the front desk [printer] shows [offline] for everyone; we turned the…")
        #expect(SearchExcerpt.make("VPN drops", terms: ["vpn"]) == "[VPN] drops")
        // A term inside another is bracketed once.
        #expect(SearchExcerpt.make("printers", terms: ["printer", "inter"]) == "[printer]s")
        #expect(SearchExcerpt.make("no match here", terms: ["zzz"]) == "no match here")
    }

    @Test("Occurrences found byte by byte in ASCII text are the ones Foundation's case-insensitive search finds")
    func asciiOccurrencesMatchFoundation() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aAbB -")
        func random(_ length: Int) -> String { String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }) }
        for _ in 0..<3000 {
            let text = random(Int.random(in: 0...24, using: &generator)), term = random(Int.random(in: 1...3, using: &generator))
            var expected: [Range<String.Index>] = []
            var from = text.startIndex
            while from < text.endIndex, let match = text.range(of: term, options: .caseInsensitive, range: from..<text.endIndex) {
                expected.append(match)
                from = match.upperBound
            }
            #expect(SearchExcerpt.occurrences(of: term, in: text) == expected, "\(term) in \(text)")
        }
        // Text beyond ASCII still matches regardless of case.
        #expect(SearchExcerpt.make("Résumé PRINTER offline", terms: ["résumé", "printer"]) == "[Résumé] [PRINTER] offline")
    }
}
