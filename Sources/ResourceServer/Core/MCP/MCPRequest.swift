import Shared
import ToolKit

/// One JSON-RPC request to the MCP endpoint, after the envelope was checked.
struct MCPRequest: Sendable {
    let id: JSONValue
    let method: String
    let params: [String: JSONValue]
    let era: ProtocolEra

    /// The tool a `tools/call` names, if any.
    var toolName: String? { method == "tools/call" ? params["name"]?.stringValue : nil }
    /// A `tools/call`'s arguments as sent; absent or null means none.
    var callArguments: JSONValue {
        switch params["arguments"] {
        case nil, .null?: [:]
        case let arguments?: arguments
        }
    }
}

/// What one posted JSON-RPC message is (JSON-RPC 2.0 §4, §5).
enum IncomingMessage {
    case request(id: JSONValue, method: String, params: JSONValue?)
    case notification
    /// A response to a server-to-client request; we send none, so these are acknowledged and dropped.
    case response

    init(_ value: JSONValue) throws(JSONRPCError) {
        guard case .object(let members) = value else { throw .invalidRequest("A JSON-RPC message must be an object") }
        guard members["jsonrpc"] == "2.0" else { throw .invalidRequest("jsonrpc must be \"2.0\"") }
        if case .string(let method)? = members["method"] {
            let params = members["params"]
            if let params, params.objectValue == nil { throw .invalidRequest("params must be an object") }
            guard let id = members["id"] else {
                self = .notification
                return
            }
            switch id {
            case .string, .int: self = .request(id: id, method: method, params: params)
            default: throw .invalidRequest("id must be a string or an integer")
            }
        } else if members["id"] != nil, members["result"] != nil || members["error"] != nil {
            self = .response
        } else {
            throw .invalidRequest("Not a JSON-RPC request, notification or response")
        }
    }
}
