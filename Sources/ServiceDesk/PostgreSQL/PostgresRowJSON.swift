import Foundation
import Shared

/// The desk's models written to PostgreSQL through their Codable keys, which are the column names (as GRDB
/// maps them on SQLite): rows go in through `json_populate_recordset`, many to a statement, so no table needs a
/// hand-written mapping. Rows come back through the same keys by `PostgresRowDecoder`, or as JSON where one
/// statement gathers several lists (`PostgresJSONColumns`).
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

    /// Rows as PostgreSQL writes them in JSON (`json_agg`, `row_to_json`): a `timestamptz` is RFC 3339 text with its
    /// offset, read to the same `Date` as the binary form.
    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = UTCTimestamp.parseOffsetInstant(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "\(text) is not a PostgreSQL timestamp")
            }
            return date
        }
        return decoder
    }
}
