import Foundation
import GRDB
import Shared
import ToolKit

/// Keyset pagination: a list is ordered by keys that end in a unique one, and a cursor carries the last
/// row's key values, so the next page starts right after it however rows were added meanwhile. The
/// cursor is opaque to clients (`k1.` + base64url of a JSON array: list name, then the values) and only
/// positions a query whose scope and filters are applied anyway, so an altered cursor can skip rows but
/// never reach others.
struct KeysetOrder: Sendable {
    struct Key: Sendable {
        /// An SQL expression over the query's columns.
        let expression: String
        let ascending: Bool
    }

    enum Value: Sendable, Equatable {
        case int(Int64)
        case text(String)

        var databaseValue: DatabaseValue {
            switch self {
            case .int(let value): value.databaseValue
            case .text(let value): value.databaseValue
            }
        }

        static func date(_ date: Date) -> Value { .text(String.fromDatabaseValue(date.databaseValue)!) }
    }

    /// Names the list, so a cursor of one list is refused by another.
    let list: String
    let keys: [Key]

    init(list: String, _ keys: [(String, ascending: Bool)]) {
        self.list = list
        self.keys = keys.map { Key(expression: $0.0, ascending: $0.ascending) }
    }

    var orderBy: String { "ORDER BY " + keys.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ") }

    func cursor(after values: [Value]) -> String {
        precondition(values.count == keys.count, "one value per key")
        let json: [JSONValue] = [.string(list)] + values.map {
            switch $0 {
            case .int(let value): .int(value)
            case .text(let value): .string(value)
            }
        }
        return "k1." + Base64URL.encode(try! JSONEncoder().encode(json))
    }

    /// Adds "comes after the cursor's row" to the conditions.
    func restrict(_ conditions: inout SQLConditions, after cursor: String?) throws(ServiceDeskQueryError) {
        guard let cursor else { return }
        let values = try decode(cursor)
        // (k0 > v0) OR (k0 = v0 AND k1 > v1) OR …, with < for descending keys.
        var alternatives: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for index in keys.indices {
            var parts: [String] = []
            for earlier in 0..<index {
                parts.append("\(keys[earlier].expression) = ?")
                arguments.append(values[earlier].databaseValue)
            }
            parts.append("\(keys[index].expression) \(keys[index].ascending ? ">" : "<") ?")
            arguments.append(values[index].databaseValue)
            alternatives.append("(" + parts.joined(separator: " AND ") + ")")
        }
        conditions.add("(" + alternatives.joined(separator: " OR ") + ")", arguments)
    }

    private func decode(_ cursor: String) throws(ServiceDeskQueryError) -> [Value] {
        guard cursor.hasPrefix("k1."), cursor.utf8.count <= 2048, let data = Base64URL.decode(cursor.dropFirst(3)),
            let json = try? JSONDecoder().decode([JSONValue].self, from: data), json.count == keys.count + 1, json[0] == .string(list)
        else { throw .invalidCursor }
        var values: [Value] = []
        for item in json.dropFirst() {
            switch item {
            case .int(let value): values.append(.int(value))
            case .string(let value): values.append(.text(value))
            default: throw .invalidCursor
            }
        }
        return values
    }
}
