import Foundation
import PostgresNIO

extension PostgresQuery {
    /// A query written with `?` placeholders (as `SQLConditions` makes them), numbered `$1`, `$2`, … for
    /// PostgreSQL; a `?` inside a quoted literal or identifier is left alone.
    init(sql: String, _ values: [SQLValue]) {
        // Byte by byte: the marks are ASCII, and no byte of a multi-byte UTF-8 character is.
        var text: [UInt8] = []
        text.reserveCapacity(sql.utf8.count + 2 * values.count)
        var number = 0
        var quote: UInt8?
        for byte in sql.utf8 {
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte == UInt8(ascii: "?") {
                number += 1
                text.append(UInt8(ascii: "$"))
                text += String(number).utf8
                continue
            }
            text.append(byte)
        }
        precondition(number == values.count, "one value per placeholder")
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .int(let value): binds.append(value)
            case .text(let value): binds.append(value)
            case .date(let value): binds.append(PostgresMilliseconds(date: value))
            case .bool(let value): binds.append(value)
            }
        }
        self.init(unsafeSQL: String(decoding: text, as: UTF8.self), binds: binds)
    }
}
