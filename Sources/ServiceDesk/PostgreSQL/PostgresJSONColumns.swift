import Foundation
import NIOCore
import PostgresNIO

/// One statement that reads several lists, each a column holding its rows as JSON: a read of seven lists is
/// then one round trip and one plan, where seven statements cost PostgreSQL each its own execution and the
/// resource-server a write and a read apiece (a status snapshot: README, "Performance"). Each list keeps its own
/// conditions and order; its values are bound, in the order the columns are added.
struct PostgresJSONColumns {
    private var columns: [String] = []
    private var values: [SQLValue] = []

    /// The rows of `table` meeting `conditions`, as a JSON array in the order of `orderBy` (an `ORDER BY` over the
    /// table's columns that binds nothing), `[]` when none; with `limit`, only the first rows in that order.
    mutating func rows(_ name: String, of table: String, _ conditions: SQLConditions, _ orderBy: String, limit: Int? = nil) {
        let chosen = limit.map { _ in "\(orderBy) LIMIT ?" } ?? ""
        columns.append(
            "(SELECT coalesce(json_agg(\(table) \(orderBy)), '[]') FROM (SELECT \(table).* FROM \(table) \(conditions.sql) \(chosen)) AS \(table)) AS \(name)")
        values += conditions.values + (limit.map { [.int(Int64($0))] } ?? [])
    }

    /// The one row `select` reads, as a JSON object of its columns, NULL when there is none.
    mutating func row(_ name: String, _ select: String, _ selectValues: [SQLValue]) {
        columns.append("(SELECT row_to_json(\(name)) FROM (\(select)) AS \(name)) AS \(name)")
        values += selectValues
    }

    var query: PostgresQuery { PostgresQuery(sql: "SELECT " + columns.joined(separator: ", "), values) }

    /// A column of the row `query` read, decoded; nil for a NULL.
    static func decode<Value: Decodable>(_ type: Value.Type, _ name: String, of row: PostgresRandomAccessRow, with decoder: JSONDecoder) throws -> Value? {
        guard let json = try row[name].decode(ByteBuffer?.self) else { return nil }
        return try decoder.decode(Value.self, from: Data(json.readableBytesView))
    }
}
