import Foundation
import GRDB
import Testing

@testable import ServiceDesk

@Suite("Audit timestamps")
struct SQLiteTimestampTests {
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
            #expect(SQLiteTimestamp.text(date) == String.fromDatabaseValue(date.databaseValue), "at \(seconds)")
            let readBack = try #require(Date.fromDatabaseValue(SQLiteTimestamp.text(date).databaseValue))
            #expect(abs(readBack.timeIntervalSince(date)) < 0.001)
        }
    }
}
