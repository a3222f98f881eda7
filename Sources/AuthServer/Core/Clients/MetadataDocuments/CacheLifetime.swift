import Foundation

/// How long a fetched metadata document may be reused (CIMD draft § Metadata Caching):
/// the response's freshness lifetime per RFC 9111 §4.2.1 (`max-age`, else `Expires` minus `Date`,
/// less `Age`), clamped to `AuthPolicy.MetadataDocuments`' bounds, or the default when the response
/// names none. `no-store` means "use it for this request, keep nothing". `no-cache` (reuse only after
/// revalidating, which we do not do) and a malformed `max-age` or `Expires` count as already stale
/// (RFC 9111 §4.2.1, §5.2.2.4, §5.3), which the lower bound then lifts.
enum CacheLifetime {
    /// Seconds to keep the document, or nil when it must not be stored.
    static func seconds(for response: UntrustedURLFetcher.Response, now: Date) -> Double? {
        let directives = parseDirectives(response.cacheControl)
        if directives["no-store"] != nil { return nil }
        let age = deltaSeconds(response.age) ?? 0
        var lifetime: Double?
        if directives["no-cache"] != nil {
            lifetime = 0
        } else if let maxAge = directives["max-age"] {
            lifetime = max(0, (deltaSeconds(maxAge) ?? 0) - age)
        } else if let expires = response.expires {
            let base = response.date.flatMap(parseHTTPDate) ?? now
            lifetime = parseHTTPDate(expires).map { max(0, $0.timeIntervalSince(base) - age) } ?? 0
        }
        let policy = AuthPolicy.MetadataDocuments.self
        return min(max(lifetime ?? policy.defaultCacheSeconds, policy.minimumCacheSeconds), policy.maximumCacheSeconds)
    }

    /// Directive names lowercased, each with its value (quotes removed) or nil when it has none.
    static func parseDirectives(_ header: String?) -> [String: String?] {
        var directives: [String: String?] = [:]
        for part in (header ?? "").split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let name = pieces.first?.lowercased(), !name.isEmpty else { continue }
            let value = pieces.count == 2 ? pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : nil
            if directives[name] == nil { directives[name] = .some(value) }
        }
        return directives
    }

    /// A non-negative number of seconds (RFC 9111 §1.2.2): digits only, anything past 2^31 taken as 2^31.
    static func deltaSeconds(_ text: String?) -> Double? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber)
        else { return nil }
        return min(Double(text) ?? .infinity, 2_147_483_648)
    }

    /// IMF-fixdate, the only form senders may produce (RFC 9110 §5.6.7).
    static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text.trimmingCharacters(in: .whitespaces))
    }
}
