import Foundation

/// Turns what a person (or a model) typed into search terms that are only ever text. For FTS5 each term
/// becomes a string literal (`"…"`, inner quotes doubled: FTS5 §3.1), so `OR`, `NEAR`, `*`, `^`, column
/// filters and parentheses lose their meaning (the one `*` a prefix search adds follows the closing
/// quote, where FTS5 §3.3 reads it as "words beginning with"); for LIKE, `%`, `_` and `\` are escaped.
/// Either way the result is bound as a parameter, never spliced into SQL.
struct FullTextQuery: Sendable, Equatable {
    /// The trigram tokenizer cannot match anything shorter (SQLite FTS5 §4.3.3); words as short are
    /// mostly noise ("the", "is") for the word indexes too.
    static let minimumTermLength = 3
    /// Bounds the work of one search; later words are ignored.
    static let maximumTerms = 12

    let terms: [String]

    /// Nil when no word is long enough to search for.
    init?(_ text: String) {
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let words = cleaned.split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.count >= Self.minimumTermLength }
        var seen = Set<String>()
        terms = Array(words.filter { seen.insert($0.lowercased()).inserted }.prefix(Self.maximumTerms))
        if terms.isEmpty { return nil }
        excerptTerms = Self.excerptTerms(terms)
        wordTerms = terms.filter { $0.unicodeScalars.contains(where: CharacterSet.alphanumerics.contains) }
    }

    /// Every term must occur (FTS5's implicit AND), anywhere in a word: for the trigram index.
    var matchExpression: String { terms.map(Self.literal).joined(separator: " AND ") }

    /// Every term as a whole word or one of its forms ("printers" finds "printer"), for the word indexes;
    /// nil when no term holds a letter or digit (such a term is no word, and an empty phrase matches
    /// nothing).
    var wordExpression: String? { wordTerms.isEmpty ? nil : wordTerms.map(Self.literal).joined(separator: " AND ") }

    /// Every term as the beginning of a word ("offl" finds "offline"), for the word indexes. A term that begins
    /// no longer word of the index stays a whole word: it matches the same rows, and FTS5 reads a prefix by merging
    /// the postings of every word it begins before the AND can skip through them (30 ms for three common words
    /// over 1.8 million notes where the whole words take 10; README, "Search"). Nil when no term begins a longer
    /// word, since the stage would find only what the whole words found.
    func prefixExpression(where beginsLongerWord: (String) throws -> Bool) rethrows -> String? {
        var begins = false
        let parts = try wordTerms.map { term in
            guard try beginsLongerWord(term) else { return Self.literal(term) }
            begins = true
            return Self.literal(term) + " *"
        }
        return begins ? parts.joined(separator: " AND ") : nil
    }

    /// What an excerpt brackets: each term, and the term without a common English ending, since the
    /// word indexes match "printers" in "printer" (a highlight only, not Porter's full rules). Kept, not
    /// computed: every hit's excerpt asks for them.
    let excerptTerms: [String]

    private static func excerptTerms(_ terms: [String]) -> [String] {
        terms.flatMap { term in
            let lower = term.lowercased()
            let ending = ["ing", "ed", "es", "s"].first { lower.hasSuffix($0) && lower.count - $0.count >= Self.minimumTermLength }
            return [term] + (ending.map { [String(term.dropLast($0.count))] } ?? [])
        }
    }

    /// The terms holding a letter or digit. Kept, not computed: a search's stages ask for them twice.
    private let wordTerms: [String]

    /// Foundation's `replacingOccurrences` (through NSString) was most of what building a search's stages
    /// cost, so it runs only for a term that holds a quote.
    private static func literal(_ term: String) -> String {
        "\"" + (term.utf8.contains(UInt8(ascii: "\"")) ? term.replacingOccurrences(of: "\"", with: "\"\"") : term) + "\""
    }

    /// `%term%` patterns for `LIKE ? ESCAPE '\'`.
    var likePatterns: [String] { terms.map(Self.likePattern) }

    /// `%text%` with LIKE's own characters escaped, for `LIKE ? ESCAPE '\'`.
    static func likePattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }

    /// Every term occurs in the text: `text ILIKE ? AND …`, for PostgreSQL's trigram indexes, built on the
    /// same expression (its LIKE tells case apart, where SQLite's does not).
    func addILike(to conditions: inout SQLConditions, text: String) {
        for pattern in likePatterns { conditions.add("\(text) ILIKE ? ESCAPE '\\'", [pattern]) }
    }
}
