import Foundation

/// A tool call's `arguments` from the command line: key=value pairs read by the tool's input schema, or one
/// JSON object.
enum ToolArguments {
    static func object(fromJSON text: String) throws(CLIFailure) -> [String: Any] {
        let source: Data
        if text == "-" {
            source = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            source = Data(text.utf8)
        }
        guard let object = JSONText.object(source) else { throw .usage("--input must be a JSON object, e.g. '{\"limit\": 5}'") }
        return object
    }

    /// Each value as the schema types its key: a string stays a string; a number, boolean, array or object is
    /// parsed as JSON; a key the schema does not name is JSON when it parses, else a string.
    static func object(fromPairs pairs: [String], schema: [String: Any]) throws(CLIFailure) -> [String: Any] {
        let properties = schema["properties"] as? [String: Any] ?? [:]
        var arguments: [String: Any] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw .usage("expected key=value, got '\(pair)'")
            }
            let key = String(pair[..<equals])
            let raw = String(pair[pair.index(after: equals)...])
            guard arguments[key] == nil else { throw .usage("\(key) is given twice") }
            let types = types(of: properties[key])
            let parsed = JSONText.parse(Data(raw.utf8))
            let parsedType = parsed.map { _ in jsonType(ofText: raw) }
            if types == ["string"] || (parsed == nil && (types.isEmpty || types.contains("string"))) {
                arguments[key] = raw
            } else if let parsed, let parsedType,
                types.isEmpty || types.contains(parsedType) || (types.contains("number") && parsedType == "integer")
            {
                arguments[key] = parsed
            } else {
                throw .usage("\(key) must be \(types.sorted().joined(separator: " or ")), got '\(raw)'")
            }
        }
        return arguments
    }

    private static func types(of property: Any?) -> Set<String> {
        switch (property as? [String: Any])?["type"] {
        case let type as String: [type]
        case let types as [String]: Set(types)
        default: []
        }
    }

    /// JSON Schema's name for the type of a JSON text that parses, read from the text itself.
    private static func jsonType(ofText text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed.first {
        case "t", "f": return "boolean"
        case "n": return "null"
        case "\"": return "string"
        case "[": return "array"
        case "{": return "object"
        default: return trimmed.contains(where: { ".eE".contains($0) }) ? "number" : "integer"
        }
    }
}

/// A tool result as a person reads it: its text content, other content named, or the structured content as JSON.
enum ToolResultText {
    static func render(_ result: [String: Any]) -> String {
        let parts = (result["content"] as? [[String: Any]] ?? []).map { item -> String in
            switch item["type"] as? String {
            case "text": item["text"] as? String ?? ""
            case "resource_link": "[resource \(item["uri"] as? String ?? "")]"
            case let type?: "[\(type) \(item["mimeType"] as? String ?? "")]"
            case nil: JSONText.string(item)
            }
        }
        if parts.isEmpty, let structured = result["structuredContent"] { return JSONText.string(structured, pretty: true) }
        return parts.joined(separator: "\n")
    }
}
