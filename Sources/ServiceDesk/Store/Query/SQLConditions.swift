/// A WHERE clause built from parts, each with its bound values: values never enter the SQL text. Clauses
/// use `?` placeholders in order; the PostgreSQL store numbers them (`$1`, `$2`, …) when it runs a query.
struct SQLConditions: Sendable {
    private(set) var clauses: [String] = []
    private(set) var values: [SQLValue] = []

    mutating func add(_ clause: String, _ values: [(any SQLValueConvertible)?] = []) {
        clauses.append(clause)
        self.values += values.map { $0?.sqlValue ?? .null }
    }

    mutating func add(_ other: SQLConditions) {
        clauses += other.clauses
        values += other.values
    }

    /// The scope, in SQL: the tenant always, and the company when the scope has one.
    mutating func scope(_ scope: ServiceDeskScope, table: String, companyColumn: String = "company_id") {
        add("\(table).tenant_id = ?", [scope.tenantID])
        if let company = scope.companyID { add("\(table).\(companyColumn) = ?", [company]) }
    }

    mutating func any(_ column: String, in values: [String]) {
        add("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))", values)
    }

    /// `column IN ('a', 'b')` with the desk's own enum values written into the SQL: the one exception to binding,
    /// never for a caller's value, because SQLite uses a partial index only when the query carries the index's
    /// condition as written (`ServiceDeskSchema.createOpenWorkIndexes`).
    static func among<Value: RawRepresentable>(_ column: String, _ values: [Value]) -> String where Value.RawValue == String {
        precondition(values.allSatisfy { $0.rawValue.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } }, "enum values are plain words")
        return "\(column) IN (" + values.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }

    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
    /// The clauses to follow other conditions: ` AND …`, or nothing.
    var and: String { clauses.isEmpty ? "" : " AND " + clauses.joined(separator: " AND ") }
}
