import Foundation

/// The excerpt a search hit shows: the text around the first match with every term in [brackets], about
/// `width` characters long, with an ellipsis where it is cut. FTS5's snippet() gives the same, but runs
/// the whole MATCH again for each hit, which was nearly half of a search's time; this works on the text
/// the search already fetched. Terms match regardless of case, as the trigram index does.
enum SearchExcerpt {
    static let width = 64
    /// Characters shown before the first match, so it is read in context.
    static let lead = 16

    static func make(_ text: String, terms: [String]) -> String {
        var matches: [Range<String.Index>] = []
        for term in terms where !term.isEmpty { matches += occurrences(of: term, in: text) }
        let first = matches.map(\.lowerBound).min() ?? text.startIndex
        var start = text.index(first, offsetBy: -lead, limitedBy: text.startIndex) ?? text.startIndex
        // Whole words at both ends: start after a space, stop before one, unless that loses the match.
        if start > text.startIndex, !text[text.index(before: start)].isWhitespace,
            let space = text[start..<first].firstIndex(where: \.isWhitespace) {
            start = text.index(after: space)
        }
        while start < first, text[start].isWhitespace { start = text.index(after: start) }
        var end = text.index(start, offsetBy: width, limitedBy: text.endIndex) ?? text.endIndex
        if end < text.endIndex, !text[end].isWhitespace, let space = text[first..<end].lastIndex(where: \.isWhitespace) { end = space }
        // Overlapping matches (one term inside another) are bracketed once, as their union.
        var spans: [Range<String.Index>] = []
        for match in matches.sorted(by: { $0.lowerBound < $1.lowerBound }) where match.lowerBound >= start && match.lowerBound < end {
            let clipped = match.lowerBound..<min(match.upperBound, end)
            if let last = spans.last, clipped.lowerBound <= last.upperBound {
                spans[spans.count - 1] = last.lowerBound..<max(last.upperBound, clipped.upperBound)
            } else {
                spans.append(clipped)
            }
        }
        var excerpt = start > text.startIndex ? "…" : ""
        var position = start
        for span in spans {
            excerpt += text[position..<span.lowerBound] + "[" + text[span] + "]"
            position = span.upperBound
        }
        excerpt += text[position..<end]
        if end < text.endIndex { excerpt += "…" }
        return excerpt
    }

    /// Every occurrence of `term` in `text`, regardless of case. Most desk text is ASCII: compared byte by
    /// byte it costs a tenth of Foundation's case-insensitive search, which serves any other text.
    static func occurrences(of term: String, in text: String) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        guard text.utf8.allSatisfy({ $0 < 0x80 }), term.utf8.allSatisfy({ $0 < 0x80 }) else {
            var from = text.startIndex
            while from < text.endIndex, let match = text.range(of: term, options: .caseInsensitive, range: from..<text.endIndex) {
                found.append(match)
                from = match.upperBound
            }
            return found
        }
        let haystack = Array(text.utf8), needle = term.utf8.map(lowercased)
        var start = 0
        while start + needle.count <= haystack.count {
            var length = 0
            while length < needle.count, lowercased(haystack[start + length]) == needle[length] { length += 1 }
            guard length == needle.count else { start += 1; continue }
            let lower = text.utf8.index(text.startIndex, offsetBy: start)
            found.append(lower..<text.utf8.index(lower, offsetBy: length))
            start += length
        }
        return found
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// For a ticket matched in the ticket itself: the first of subject, number and requester email that
    /// holds a term.
    static func make(ticket: Ticket, terms: [String]) -> String {
        make(fields: [ticket.subject, ticket.number, ticket.requesterEmail], terms: terms)
    }

    /// From the first of the fields that holds a term, else the first.
    static func make(fields: [String], terms: [String]) -> String {
        let matched = fields.first { field in terms.contains { !occurrences(of: $0, in: field).isEmpty } }
        return make(matched ?? fields[0], terms: terms)
    }
}
