import Foundation
import GRDB

/// Columns read by name, in place, for records whose `init(row:)` is written out instead of derived from Codable:
/// GRDB's row decoder boxes a keyed container per row and dispatches every column through it, and reads every
/// date through a Calendar. The name is the record's Codable key, so the two never drift apart. Inlinable, so each
/// record's reads are specialised to their types in its own module rather than dispatched generically.
extension Row {
    /// The column named by a record's Codable key, read in place (text, integers, their optionals). A NULL for
    /// a non-optional value is an error, as it is through Codable.
    @inlinable
    public func value<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ key: some CodingKey) throws -> Value {
        try decode(Value.self, forColumn: key.stringValue)
    }

    /// An enum by its raw value; a value this build does not know is an error, as it is through Codable.
    @inlinable
    public func choice<Value: RawRepresentable>(_ key: some CodingKey) throws -> Value where Value.RawValue == String {
        let raw: String = try value(key)
        guard let value = Value(rawValue: raw) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [key], debugDescription: "unknown value \(raw)"))
        }
        return value
    }

    /// A date in the text form GRDB writes (`UTCTimestamp.parseStored`), else as GRDB reads dates.
    @inlinable
    public func date(_ key: some CodingKey) throws -> Date {
        let text: String = try value(key)
        if let date = UTCTimestamp.parseStored(text) { return date }
        return try decode(Date.self, forColumn: key.stringValue)
    }

    @inlinable
    public func optionalDate(_ key: some CodingKey) throws -> Date? {
        let text: String? = try value(key)
        return text == nil ? nil : try date(key)
    }
}
