import Shared
import ToolKit

/// Checks tool arguments against the subset of JSON Schema 2020-12 our tools declare: `type`,
/// `properties`, `required`, `additionalProperties: false`, `enum`, `minimum`/`maximum`,
/// `minLength`/`maxLength`, `maxItems` and `items`. The message names the argument so a model can fix
/// its call.
enum JSONSchemaValidator {
    static func problem(in value: JSONValue, against schema: JSONValue, path: String = "arguments") -> String? {
        guard case .object(let rules) = schema else { return nil }
        if let type = rules["type"]?.stringValue, !matches(value, type: type) {
            return "\(path) must be of type \(type)"
        }
        if case .array(let allowed)? = rules["enum"], !allowed.contains(value) {
            return "\(path) must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))"
        }
        switch value {
        case .object(let members):
            let properties = rules["properties"]?.objectValue ?? [:]
            if case .array(let required)? = rules["required"] {
                for case .string(let name) in required where members[name] == nil { return "\(path).\(name) is required" }
            }
            if rules["additionalProperties"] == .bool(false), let unknown = members.keys.sorted().first(where: { properties[$0] == nil }) {
                return "\(path).\(unknown) is not a known argument"
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let schema = properties[name], let problem = problem(in: member, against: schema, path: "\(path).\(name)") { return problem }
            }
        case .string(let text):
            if case .int(let max)? = rules["maxLength"], text.count > max { return "\(path) must be at most \(max) characters" }
            if case .int(let min)? = rules["minLength"], text.count < min { return "\(path) must be at least \(min) characters" }
        case .int, .double:
            let number = value.numberValue ?? 0
            if let min = rules["minimum"]?.numberValue, number < min { return "\(path) must be at least \(rules["minimum"]!.display)" }
            if let max = rules["maximum"]?.numberValue, number > max { return "\(path) must be at most \(rules["maximum"]!.display)" }
        case .array(let items):
            if case .int(let max)? = rules["maxItems"], items.count > max { return "\(path) must have at most \(max) items" }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    if let problem = problem(in: item, against: itemSchema, path: "\(path)[\(index)]") { return problem }
                }
            }
        default: break
        }
        return nil
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null), ("integer", .int),
            ("number", .int), ("number", .double):
            true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }
}

extension JSONValue {
    var numberValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    fileprivate var display: String {
        switch self {
        case .int(let value): String(value)
        case .double(let value): String(value)
        default: ""
        }
    }
}
