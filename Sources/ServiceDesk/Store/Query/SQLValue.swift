import Foundation

/// A value bound to a query, in a form both engines take: each store turns it into its driver's own
/// (a GRDB `DatabaseValue`, a PostgreSQL binding), so conditions and cursors are written once.
enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case text(String)
    case date(Date)
    case bool(Bool)
}

/// The Swift values a condition may bind.
protocol SQLValueConvertible {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLValueConvertible { var sqlValue: SQLValue { self } }
extension String: SQLValueConvertible { var sqlValue: SQLValue { .text(self) } }
extension Int: SQLValueConvertible { var sqlValue: SQLValue { .int(Int64(self)) } }
extension Int64: SQLValueConvertible { var sqlValue: SQLValue { .int(self) } }
extension Date: SQLValueConvertible { var sqlValue: SQLValue { .date(self) } }
extension Bool: SQLValueConvertible { var sqlValue: SQLValue { .bool(self) } }
