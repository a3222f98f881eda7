import Foundation
import Shared

/// The desk's models written to PostgreSQL through their Codable keys, which are the column names (as GRDB
/// maps them on SQLite): rows go in through `json_populate_recordset`, many to a statement, so no table needs a
/// hand-written mapping. Rows come back through the same keys by `PostgresRowDecoder`.
enum PostgresRowJSON {
    /// Dates as UTC text to the millisecond, the precision the desk stores on both engines.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(UTCTimestamp.stored(date) + "Z")
        }
        return encoder
    }
}
