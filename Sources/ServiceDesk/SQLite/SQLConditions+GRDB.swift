import GRDB
import Shared

extension SQLValue {
    /// Dates as GRDB stores them (UTC text to the millisecond), so they compare with the stored ones; written by
    /// `UTCTimestamp`, since GRDB formats a `Date` argument with a DateFormatter.
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .int(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .date(let value): UTCTimestamp.stored(value).databaseValue
        case .bool(let value): value.databaseValue
        }
    }
}

extension SQLConditions {
    var arguments: StatementArguments { StatementArguments(databaseValues) }
    var databaseValues: [(any DatabaseValueConvertible)?] { values.map(\.databaseValue) }
}
