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
}
