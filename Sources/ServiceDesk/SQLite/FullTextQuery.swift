/// Turns what a person (or a model) typed into search terms that are only ever text. For FTS5 each term
/// becomes a string literal (`"…"`, inner quotes doubled: FTS5 §3.1), so `OR`, `NEAR`, `*`, `^`, column
/// filters and parentheses lose their meaning; for LIKE, `%`, `_` and `\` are escaped. Either way the
/// result is bound as a parameter, never spliced into SQL.
struct FullTextQuery: Sendable, Equatable {
    /// The trigram tokenizer cannot match anything shorter (SQLite FTS5 §4.3.3).
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
    }

    /// Every term must occur (FTS5's implicit AND).
    var matchExpression: String {
        terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " AND ")
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

    /// Every term occurs in one of the columns: `(a LIKE ? OR b LIKE ?) AND …`.
    func addLike(to conditions: inout SQLConditions, columns: [String]) {
        for pattern in likePatterns {
            conditions.add(
                "(" + columns.map { "\($0) LIKE ? ESCAPE '\\'" }.joined(separator: " OR ") + ")", Array(repeating: pattern, count: columns.count)
            )
        }
    }
}
