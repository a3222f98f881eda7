import Foundation
import NIOCore
import PostgresNIO

/// Decodes a Codable row record from a PostgreSQL row by column name, the record's Codable keys being the
/// column names, as GRDB maps the same records on SQLite. Every store reads its rows this way on PostgreSQL.
/// Chosen over reading rows as `to_json(table)`: the queries stay `SELECT *` in the driver's binary format,
/// so the token endpoint's keyed reads parse no JSON and `bytea` needs no text round trip. (The desk reads JSON
/// only where one statement gathers several lists: `PostgresJSONColumns`.) Rows are flat:
/// a property is one column, decoded as its type or, for an enum or wrapper, as its raw value.
public enum PostgresRowDecoder {
    public static func decode<Record: Decodable>(_ type: Record.Type, from row: PostgresRandomAccessRow) throws -> Record {
        try Record(from: RowDecoder(row: row))
    }
}

/// A `timestamptz` read to the microsecond from 1970, the same instant for the same stored value however it is
/// read: the driver's own `Date` offsets a Double from 2000-01-01 and can land a microsecond off the
/// millisecond-rounded instants the stores write, which would move a keyset cursor.
public struct PostgresInstant: PostgresDecodable, Sendable {
    public let date: Date

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer, type: PostgresDataType, format: PostgresFormat, context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        guard type == .timestamptz || type == .timestamp else { throw PostgresDecodingError.Code.typeMismatch }
        guard format == .binary, buffer.readableBytes == 8, let sinceMillennium = buffer.readInteger(as: Int64.self) else {
            throw PostgresDecodingError.Code.failure
        }
        date = Date(timeIntervalSince1970: Double(sinceMillennium + 946_684_800_000_000) / 1_000_000)
    }
}

private struct RowDecoder: Decoder {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [], debugDescription: "a row decodes as a keyed record"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: [], debugDescription: "a row decodes as a keyed record"))
    }
}

private struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.compactMap { Key(stringValue: $0.columnName) } }

    func contains(_ key: Key) -> Bool { row.contains(key.stringValue) }

    func cell(_ key: Key) throws -> PostgresCell {
        guard row.contains(key.stringValue) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [key], debugDescription: "no column \(key.stringValue)"))
        }
        return row[key.stringValue]
    }

    func decodeNil(forKey key: Key) throws -> Bool { try cell(key).bytes == nil }

    func decode<Value: Decodable>(_ type: Value.Type, forKey key: Key) throws -> Value {
        try CellDecoder(cell: cell(key), key: key).decode(generic: Value.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw DecodingError.typeMismatch(type, .init(codingPath: [key], debugDescription: "rows are flat: one column per property"))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: [key], debugDescription: "rows are flat: one column per property"))
    }

    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// One cell: the driver's own types, dates as `PostgresInstant`, anything else (an enum, a wrapper)
/// through its single value.
private struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let cell: PostgresCell
    let key: any CodingKey
    var codingPath: [any CodingKey] { [key] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "rows are flat: one column per property"))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "rows are flat: one column per property"))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { cell.bytes == nil }

    func decode<Value: Decodable>(_ type: Value.Type) throws -> Value { try decode(generic: type) }

    func decode<Value: Decodable>(generic type: Value.Type) throws -> Value {
        guard cell.bytes != nil else {
            throw DecodingError.valueNotFound(type, .init(codingPath: codingPath, debugDescription: "\(cell.columnName) is NULL"))
        }
        switch type {
        case is Date.Type: return try cell.decode(PostgresInstant.self).date as! Value
        case is Data.Type: return Data(try cell.decode(ByteBuffer.self).readableBytesView) as! Value
        case let decodable as any PostgresDecodable.Type: return try cell.decode(decodable) as! Value
        default: return try Value(from: self)
        }
    }
}

// The containers' primitive requirements, all answered by the generic decoding above.
extension RowContainer {
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try CellDecoder(cell: cell(key), key: key).decode(generic: type) }
}

extension CellDecoder {
    func decode(_ type: Bool.Type) throws -> Bool { try decode(generic: type) }
    func decode(_ type: String.Type) throws -> String { try decode(generic: type) }
    func decode(_ type: Double.Type) throws -> Double { try decode(generic: type) }
    func decode(_ type: Float.Type) throws -> Float { try decode(generic: type) }
    func decode(_ type: Int.Type) throws -> Int { try decode(generic: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(generic: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(generic: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(generic: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(generic: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(generic: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(generic: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(generic: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(generic: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(generic: type) }
}
