import Foundation

/// The HTTP headers a JSON-RPC message needs on MCP's Streamable HTTP transport, worked out from the message
/// itself, so the commands and the bridge send the same ones.
///
/// - 2026-07-28 messages carry their version in `params._meta`; the request repeats it in `MCP-Protocol-Version`
///   and names its method in `Mcp-Method` and, for `tools/call`, the tool in `Mcp-Name` (MCP transports
///   (2026-07-28) § Server Validation, which the server checks against the body).
/// - Handshake-era messages after `initialize` carry the negotiated version in `MCP-Protocol-Version` (MCP
///   transports (2025-11-25) § Protocol Version Header).
enum MCPHeaders {
    static let modernVersion = "2026-07-28"
    static let versionKey = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"

    static let base: [(String, String)] = [("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream")]

    /// - Parameter negotiatedVersion: what `initialize` agreed on, for handshake-era messages.
    static func forMessage(_ message: Any?, negotiatedVersion: String?) -> [(String, String)] {
        var headers = base
        let object = message as? [String: Any]
        let method = object?["method"] as? String
        let params = object?["params"] as? [String: Any]
        if let version = (params?["_meta"] as? [String: Any])?[versionKey] as? String {
            headers.append(("MCP-Protocol-Version", version))
            if let method { headers.append(("Mcp-Method", method)) }
            if method == "tools/call", let name = params?["name"] as? String { headers.append(("Mcp-Name", headerValue(name))) }
        } else if let negotiatedVersion, method != "initialize" {
            headers.append(("MCP-Protocol-Version", negotiatedVersion))
        }
        return headers
    }

    /// A header value as it is when it is printable ASCII without edge spaces, else `=?base64?…?=`.
    static func headerValue(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { (0x20...0x7E).contains($0) } && text.first != " " && text.last != " "
        return plain ? text : "=?base64?" + Data(text.utf8).base64EncodedString() + "?="
    }

    /// A 2026-07-28 request of the command line's own: it stands alone, so no handshake comes first.
    static func request(id: Int, method: String, params: [String: Any] = [:]) -> [String: Any] {
        var params = params
        params["_meta"] = [
            versionKey: modernVersion, capabilitiesKey: [String: Any](),
            clientInfoKey: ["name": "gatehouse", "version": GatehouseCommand.version],
        ] as [String: Any]
        return ["jsonrpc": "2.0", "id": id, "method": method, "params": params]
    }
}
