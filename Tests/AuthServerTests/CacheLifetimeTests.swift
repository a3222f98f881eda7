import Foundation
import Testing

@testable import AuthServerCore

/// How long a fetched metadata document is kept (CIMD draft § Metadata Caching; RFC 9111 §4.2.1).
@Suite("CIMD cache lifetime")
struct CacheLifetimeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = AuthPolicy.MetadataDocuments.self

    static func seconds(cacheControl: String? = nil, expires: String? = nil, date: String? = nil, age: String? = nil) -> Double? {
        CacheLifetime.seconds(
            for: UntrustedURLFetcher.Response(body: Data(), cacheControl: cacheControl, expires: expires, date: date, age: age), now: now)
    }

    static func httpDate(_ offset: Double) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: now.addingTimeInterval(offset))
    }

    @Test("max-age within bounds is used as given, less Age")
    func maxAge() {
        #expect(Self.seconds(cacheControl: "public, max-age=300") == 300)
        #expect(Self.seconds(cacheControl: "max-age=\"600\"") == 600)
        #expect(Self.seconds(cacheControl: "MAX-AGE=3600, must-revalidate") == 3600)
        #expect(Self.seconds(cacheControl: "max-age=3600", age: "600") == 3000)
    }

    @Test("lifetimes are clamped to the policy's bounds")
    func bounds() {
        #expect(Self.seconds(cacheControl: "max-age=0") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: "no-cache, max-age=600") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age=10") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age=31536000") == Self.policy.maximumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age=99999999999999999999999") == Self.policy.maximumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age=100", age: "1000") == Self.policy.minimumCacheSeconds)
    }

    @Test("no-store means do not keep; no header means the default")
    func noStoreAndDefault() {
        #expect(Self.seconds(cacheControl: "no-store") == nil)
        #expect(Self.seconds(cacheControl: "private, No-Store, max-age=600") == nil)
        #expect(Self.seconds() == Self.policy.defaultCacheSeconds)
        #expect(Self.seconds(cacheControl: "public") == Self.policy.defaultCacheSeconds)
    }

    @Test("Expires counts from Date when there is no max-age; max-age wins over it")
    func expires() {
        #expect(Self.seconds(expires: Self.httpDate(900), date: Self.httpDate(0)) == 900)
        #expect(Self.seconds(expires: Self.httpDate(900)) == 900)
        #expect(Self.seconds(expires: Self.httpDate(1200), date: Self.httpDate(600)) == 600)
        #expect(Self.seconds(cacheControl: "max-age=120", expires: Self.httpDate(9000)) == 120)
        #expect(Self.seconds(expires: Self.httpDate(-900)) == Self.policy.minimumCacheSeconds)
    }

    @Test("malformed values count as stale, so the lower bound applies")
    func malformed() {
        #expect(Self.seconds(cacheControl: "max-age=soon") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age=-5") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: "max-age") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(expires: "0") == Self.policy.minimumCacheSeconds)
        #expect(Self.seconds(cacheControl: ",,;=,") == Self.policy.defaultCacheSeconds)
    }
}
