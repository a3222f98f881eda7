import Shared
import ToolKit

/// Pieces of JSON Schema the service-desk tools share, so the same argument means the same thing with
/// the same limits everywhere. Only keywords `JSONSchemaValidator` checks, plus `description`,
/// `default` and `format`, which are for the model.
enum ToolSchema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "object", "properties": .object(properties), "additionalProperties": false]
        if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
        return .object(schema)
    }

    static func string(_ description: String, maxLength: Int = 200) -> JSONValue {
        ["type": "string", "minLength": 1, "maxLength": .int(Int64(maxLength)), "description": .string(description)]
    }

    static func id(_ description: String) -> JSONValue { string(description, maxLength: ToolPolicy.maximumIDLength) }

    static func choice(_ values: [String], _ description: String) -> JSONValue {
        ["type": "string", "enum": .array(values.map(JSONValue.string)), "description": .string(description)]
    }

    static func days(_ description: String) -> JSONValue {
        ["type": "integer", "minimum": 0, "maximum": .int(Int64(ToolPolicy.maximumDays)), "description": .string(description)]
    }

    static func instant(_ description: String) -> JSONValue {
        ["type": "string", "maxLength": 40, "description": .string(description + " ISO 8601 date (2025-05-01) or date-time (2025-05-01T09:00:00Z).")]
    }

    static let limit: JSONValue = [
        "type": "integer", "minimum": 1, "maximum": .int(Int64(ToolPolicy.maximumLimit)), "default": .int(Int64(ToolPolicy.defaultLimit)),
        "description": "How many records to return (1-100, default 25).",
    ]

    static let cursor: JSONValue = [
        "type": "string", "minLength": 1, "maxLength": .int(Int64(ToolPolicy.maximumCursorLength)),
        "description": "Opaque: the next_cursor of the previous page, to continue the same list. Omit for the first page.",
    ]

    static let customerID = id("Limit to this customer (a customer id such as cus_…).")

    // MARK: output

    static func record(_ properties: [String: JSONValue], required: [String]) -> JSONValue {
        ["type": "object", "properties": .object(properties), "required": .array(required.map(JSONValue.string)), "additionalProperties": false]
    }

    /// `{<key>: [item], next_cursor?}`: one page of a list.
    static func list(_ key: String, of item: JSONValue) -> JSONValue {
        record([key: ["type": "array", "items": item], "next_cursor": ["type": "string"]], required: [key])
    }

    static let text: JSONValue = ["type": "string"]
    static let integer: JSONValue = ["type": "integer"]
    static let number: JSONValue = ["type": "number"]
    static let boolean: JSONValue = ["type": "boolean"]
    static let dateTime: JSONValue = ["type": "string", "format": "date-time"]
    static let date: JSONValue = ["type": "string", "format": "date"]
    static func textChoice(_ values: [String]) -> JSONValue { ["type": "string", "enum": .array(values.map(JSONValue.string))] }
}

/// A list result: the structured page and the lines a model reads, ending with how to get more.
enum ToolListing {
    static func output(key: String, items: [JSONValue], lines: [String], nextCursor: String?, empty: String, heading: String) -> ToolOutput {
        var structured: [String: JSONValue] = [key: .array(items)]
        if let nextCursor { structured["next_cursor"] = .string(nextCursor) }
        var text = items.isEmpty ? empty : heading + "\n" + lines.map { "- " + $0 }.joined(separator: "\n")
        if let nextCursor { text += "\nMore results: call again with cursor \"\(nextCursor)\"." }
        return ToolOutput(structured: .object(structured), text: text)
    }
}
