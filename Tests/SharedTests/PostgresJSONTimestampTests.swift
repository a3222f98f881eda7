import Foundation
import PostgresNIO
import Testing
import TestSupport

@testable import Shared

/// On the real PostgreSQL server Deploy/test starts: a row read as JSON (one statement gathering several lists) must
/// carry the very instants its binary form does, whatever zone the session writes them in.
@Suite("PostgreSQL timestamps in JSON")
struct PostgresJSONTimestampTests {
    @Test("each instant reads from to_json as from the binary timestamptz, to the microsecond, in zones with odd offsets")
    func sameAsBinary() async throws {
        var generator = SystemRandomNumberGenerator()
        // Milliseconds as the stores write them, microseconds, and dates from 1850 (zones then kept local mean time,
        // offsets in seconds) to 2100.
        let milliseconds = (0..<300).map { _ in Int64.random(in: -3_786_825_600_000...4_102_444_800_000, using: &generator) * 1000 }
        let microseconds = (0..<300).map { _ in Int64.random(in: -3_786_825_600_000_000...4_102_444_800_000_000, using: &generator) }
        let instants = [0, -1, 1, 999_000, 1_796_637_600_123_000] + milliseconds + microseconds
        let list = instants.map { "to_timestamp(\($0)::numeric / 1000000)" }.joined(separator: ", ")
        try await TestPostgres.withDatabase("json_time", migrations: []) { database in
            try await database.withConnection { connection in
                for zone in ["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/Amsterdam", "Pacific/Kiritimati"] {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: "SET TIME ZONE '\(zone)'"), logger: connection.logger).collect()
                    let rows = try await connection.query(
                        PostgresQuery(unsafeSQL: "SELECT instant, to_json(instant) #>> '{}' FROM unnest(ARRAY[\(list)]) AS instant"),
                        logger: connection.logger
                    ).collect()
                    #expect(rows.count == instants.count)
                    for row in rows {
                        let (binary, text) = try row.decode((PostgresInstant, String).self)
                        #expect(UTCTimestamp.parseOffsetInstant(text) == binary.date, "\(text) in \(zone)")
                    }
                }
            }
        }
    }
}
