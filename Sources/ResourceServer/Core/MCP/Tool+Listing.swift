import Shared
import ToolKit

extension Tool {
    /// The `tools/list` entry (MCP server/tools §Tool).
    var listing: JSONValue {
        // What a grant needs for this tool, for hosts that show it (the metadata's gatehouse_tools says the same).
        var meta: [String: JSONValue] = ["gatehouse/scopes": .array(requiredScopes.map(JSONValue.string)), "gatehouse/kind": .string(kind.rawValue)]
        meta["gatehouse/roles"] = roleNames.map { .array($0.map(JSONValue.string)) }
        var entry: [String: JSONValue] = [
            "name": .string(name), "title": .string(title), "description": .string(description), "inputSchema": inputSchema,
            "annotations": ["readOnlyHint": .bool(kind == .read), "destructiveHint": .bool(kind == .highTrust), "openWorldHint": false],
            "_meta": .object(meta),
        ]
        if let outputSchema { entry["outputSchema"] = outputSchema }
        return .object(entry)
    }
}
