import Foundation
import NIOCore
import PostgresNIO
import Shared

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

    /// Runs the statement, prepared once per connection, and gives its row (a `SELECT` of subqueries with no `FROM`
    /// answers exactly one).
    func read(on database: PostgresSchemaPool) async throws -> Row {
        let rows = try await database.preparedRows(PostgresQuery(sql: "SELECT " + columns.joined(separator: ", "), values))
        return Row(columns: rows[0].makeRandomAccess())
    }

    /// The statement's row, its columns decoded by name through the models' Codable keys (`PostgresRowJSON`).
    struct Row {
        let columns: PostgresRandomAccessRow
        private let decoder = PostgresRowJSON.decoder()

        init(columns: PostgresRandomAccessRow) { self.columns = columns }

        /// nil for a NULL: a `row` that found nothing.
        func value<Value: Decodable>(_ type: Value.Type, _ name: String) throws -> Value? {
            guard let json = try columns[name].decode(ByteBuffer?.self) else { return nil }
            return try decoder.decode(Value.self, from: Data(json.readableBytesView))
        }

        func list<Item: Decodable>(_ name: String) throws -> [Item] {
            try value([Item].self, name) ?? []
        }
    }
}
