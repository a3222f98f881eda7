import Foundation
import PostgresNIO

extension PostgresQuery {
    /// A query written with `?` placeholders (as `SQLConditions` makes them), numbered `$1`, `$2`, … for
    /// PostgreSQL; a `?` inside a quoted literal or identifier is left alone.
    init(sql: String, _ values: [SQLValue]) {
        var text = ""
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "?" {
                number += 1
                text += "$\(number)"
                continue
            }
            text.append(character)
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
        self.init(unsafeSQL: text, binds: binds)
    }
}
