import Foundation
import GRDB
import Testing

@testable import Shared

@Suite("UTC timestamps")
struct UTCTimestampTests {
    @Test("Written exactly as GRDB writes a Date, so GRDB reads them back: edges of days, months, leap years and milliseconds")
    func matchesGRDB() throws {
        var generator = SystemRandomNumberGenerator()
        let edges: [TimeInterval] = [
            0, -0.0005, 0.0009, 0.9999, 59.999, 86_399.9995, 951_782_400, 951_868_799.999, 4_107_542_400, 1_796_469_664.123_456,
            -86_400.5, 253_402_300_799.999,
        ]
        let random = (0..<5000).map { _ in TimeInterval.random(in: 0...4_102_444_800, using: &generator) }
        // Half a millisecond past a whole one: where rounding rules part.
        let ties = (0..<5000).map { _ in TimeInterval(Int64.random(in: 0...4_102_444_800_000, using: &generator)) / 1000 + 0.0005 }
        for seconds in edges + random + ties {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.stored(date) == String.fromDatabaseValue(date.databaseValue), "at \(seconds)")
            let readBack = try #require(Date.fromDatabaseValue(UTCTimestamp.stored(date).databaseValue))
            #expect(abs(readBack.timeIntervalSince(date)) < 0.001)
        }
    }

    @Test("Stored text read back to the very Date GRDB reads from it; any other form left to GRDB")
    func parsesAsGRDB() throws {
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, 1, 999, 59_999, 86_399_999, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, -1, -86_400_001, 253_402_300_799_999]
        let random = (0..<20_000).map { _ in Int64.random(in: 0...4_102_444_800_000, using: &generator) }
        for milliseconds in edges + random {
            let text = UTCTimestamp.stored(Date(timeIntervalSince1970: Double(milliseconds) / 1000))
            let expected = try #require(Date.fromDatabaseValue(text.databaseValue))
            #expect(UTCTimestamp.parseStored(text) == expected, "\(text)")
        }
        for other in ["2026-12-06", "2026-12-06 10:00:00", "2026-12-06T10:00:00.000", "2026-13-06 10:00:00.000", "2026-12-06 10:00:0x.000", ""] {
            #expect(UTCTimestamp.parseStored(other) == nil, "\(other)")
        }
    }

    @Test("PostgreSQL's JSON timestamps read to the microsecond in any zone offset; any other form refused")
    func parsesOffsetInstants() {
        // 2026-12-07 10:00:00 UTC.
        let base: Int64 = 1_796_637_600
        func at(_ seconds: Int64, _ microseconds: Int64 = 0) -> Date { Date(timeIntervalSince1970: Double(seconds * 1_000_000 + microseconds) / 1_000_000) }
        let cases: [(String, Date)] = [
            ("2026-12-07T10:00:00+00:00", at(base)),
            ("2026-12-07T10:00:00.123+00:00", at(base, 123_000)),
            ("2026-12-07T10:00:00.5Z", at(base, 500_000)),
            ("2026-12-07T10:00:00.000001+00", at(base, 1)),
            ("2026-12-07T15:30:00.25+05:30", at(base, 250_000)),
            ("2026-12-07T06:30:00-03:30", at(base)),
            ("2026-12-07T10:53:28+00:53:28", at(base)),
            ("2026-12-08T00:59:59.999999+14:59:59", at(base, 999_999)),
            ("1969-12-31T23:59:59.999+00:00", at(-1, 999_000)),
            ("2024-02-29T00:00:00+00:00", at(1_709_164_800)),
        ]
        for (text, expected) in cases { #expect(UTCTimestamp.parseOffsetInstant(text) == expected, "\(text)") }
        let refused = [
            "", "2026-12-07", "2026-12-07T10:00:00", "2026-12-07 10:00:00+00:00", "2026-12-07T10:00:00.+00:00", "2026-12-07T10:00:00.1234567+00:00",
            "2026-12-07T10:00:00+0000", "2026-12-07T10:00:00+00:0", "2026-12-07T10:00:00+24:00", "2026-12-07T10:00:00+00:60", "2026-12-07T10:00:00+00-00",
            "2026-13-07T10:00:00+00:00", "2026-12-07T10:00:60+00:00", "2026-12-07T10:00:00+00:00 ", "2026-12-07T10:00:00z",
        ]
        for text in refused { #expect(UTCTimestamp.parseOffsetInstant(text) == nil, "\(text)") }
    }

    @Test("Instants and days read as Foundation's ISO 8601 styles write them, fractions of a second cut off")
    func matchesFoundationISO8601() {
        var generator = SystemRandomNumberGenerator()
        let edges: [TimeInterval] = [0, 0.999, 59.9999, 86_399.5, 951_782_400, 951_868_799.999, -0.5, -86_400.25, 4_107_542_400.75]
        let random = (0..<5000).map { _ in TimeInterval.random(in: 0...4_102_444_800, using: &generator) }
        for seconds in edges + random {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.instant(date) == date.formatted(.iso8601), "at \(seconds)")
            #expect(UTCTimestamp.day(date) == date.formatted(.iso8601.year().month().day().dateSeparator(.dash)), "at \(seconds)")
        }
    }
}
