import Foundation
import Shared
import ToolKit

/// Keyset pagination: a list is ordered by keys that end in a unique one, and a cursor carries the last
/// row's key values, so the next page starts right after it however rows were added meanwhile. The
/// cursor is opaque to clients (`k1.` + base64url of a JSON array: list name, then the values, a date as
/// `{"ms": milliseconds since 1970}`, the precision both engines store) and only positions a query whose
/// scope and filters are applied anyway, so an altered cursor can skip rows but never reach others.
/// Written once for both engines: the SQL is plain, with `?` placeholders (see `SQLConditions`).
struct KeysetOrder: Sendable {
    struct Key: Sendable {
        /// An SQL expression over the query's columns.
        let expression: String
        let ascending: Bool
    }

    typealias Value = SQLValue

    /// Names the list, so a cursor of one list is refused by another.
    let list: String
    let keys: [Key]

    init(list: String, _ keys: [(String, ascending: Bool)]) {
        self.list = list
        self.keys = keys.map { Key(expression: $0.0, ascending: $0.ascending) }
    }

    var orderBy: String { orderBy(from: 0) }

    /// The order by the keys from `first` on: a run whose earlier keys are fixed by equality is sorted by
    /// the rest only, since SQLite walks an index in order for a term it knows is constant only when that
    /// term is a plain column, not a rank expression.
    func orderBy(from first: Int) -> String {
        "ORDER BY " + keys[first...].map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
    }

    func cursor(after values: [Value]) -> String {
        precondition(values.count == keys.count, "one value per key")
        let json: [JSONValue] = [.string(list)] + values.map {
            switch $0 {
            case .int(let value): .int(value)
            case .text(let value): .string(value)
            case .date(let value): .object(["ms": .int(Int64((value.timeIntervalSince1970 * 1000).rounded()))])
            case .bool, .null: preconditionFailure("keys are numbers, text or dates")
            }
        }
        return "k1." + Base64URL.encode(try! JSONEncoder().encode(json))
    }

    /// The runs to query for a page: the whole list for the first page, else those after the cursor.
    func runs(for page: PageRequest) throws(ServiceDeskQueryError) -> [(conditions: SQLConditions, orderBy: String)] {
        guard let cursor = page.cursor else { return [(SQLConditions(), orderBy)] }
        return try runs(after: cursor)
    }

    /// The rows after the cursor as one run per key, in list order, each with its ORDER BY: those tied
    /// with the cursor on every key but the last and past it on that one, then those tied on one key
    /// fewer, …, then those past it on the first key. Each run is an equality prefix and one range, which
    /// an index in the list's order seeks to directly, so a deep page costs what the first one does even
    /// where the first key has only a few values (a priority) and the keys run different ways.
    func runs(after cursor: String) throws(ServiceDeskQueryError) -> [(conditions: SQLConditions, orderBy: String)] {
        let values = try decode(cursor)
        return keys.indices.reversed().map { level in
            var run = SQLConditions()
            for earlier in 0..<level { run.add("\(keys[earlier].expression) = ?", [values[earlier]]) }
            run.add("\(keys[level].expression) \(keys[level].ascending ? ">" : "<") ?", [values[level]])
            return (run, orderBy(from: level))
        }
    }

    /// A page from the rows the runs fetched (up to `limit + 1`): the first `limit`, and a cursor after
    /// the last of them when more followed.
    func page<Item>(_ fetched: [Item], limit: Int, key: (Item) -> [Value]) -> (items: [Item], nextCursor: String?) {
        guard fetched.count > limit else { return (fetched, nil) }
        let items = Array(fetched.prefix(limit))
        return (items, cursor(after: key(items[items.count - 1])))
    }

    /// Lists fetched apart, each in this order and none sharing a row, as one list in this order.
    func merged<Item>(_ lists: [[Item]], key: (Item) -> [Value]) -> [Item] {
        guard lists.count > 1 else { return lists.first ?? [] }
        return lists.joined().map { (key($0), $0) }.sorted { precedes($0.0, $1.0) }.map(\.1)
    }

    /// Whether a row with these key values comes before one with those. Text compares by its UTF-8 bytes, as
    /// SQLite's BINARY and PostgreSQL's "C" collation do; the last key is unique, so no two rows tie.
    private func precedes(_ left: [Value], _ right: [Value]) -> Bool {
        for (index, key) in keys.enumerated() {
            let ordered: Bool?
            switch (left[index], right[index]) {
            case (.int(let a), .int(let b)): ordered = a == b ? nil : a < b
            case (.date(let a), .date(let b)): ordered = a == b ? nil : a < b
            case (.text(let a), .text(let b)): ordered = a.utf8.elementsEqual(b.utf8) ? nil : a.utf8.lexicographicallyPrecedes(b.utf8)
            default: preconditionFailure("keys are numbers, text or dates, the same kind in every row")
            }
            if let ordered { return ordered == key.ascending }
        }
        return false
    }

    /// Adds "comes after the cursor's row" to the conditions as one condition, for a query that cannot
    /// run once per key (a union): a bound on the first key, which an index seeks to, ahead of the rest.
    func restrict(_ conditions: inout SQLConditions, after cursor: String?) throws(ServiceDeskQueryError) {
        guard let cursor else { return }
        let runs = try runs(after: cursor).map(\.conditions)
        // The last run is "past the cursor on the first key": its one value is the first key's.
        conditions.add("\(keys[0].expression) \(keys[0].ascending ? ">=" : "<=") ?", runs[runs.count - 1].values)
        conditions.add("(" + runs.map { "(" + $0.clauses.joined(separator: " AND ") + ")" }.joined(separator: " OR ") + ")", runs.flatMap(\.values))
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
            case .object(let members) where members.count == 1:
                guard case .int(let milliseconds)? = members["ms"] else { throw .invalidCursor }
                values.append(.date(Date(timeIntervalSince1970: Double(milliseconds) / 1000)))
            default: throw .invalidCursor
            }
        }
        return values
    }
}
