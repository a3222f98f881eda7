import Shared
import ToolKit

/// A JSON-RPC 2.0 error (§5.1) with the codes MCP uses (MCP basic protocol (2026-07-28) § Error Codes).
public struct JSONRPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    /// 2026-07-28: an `Mcp-*` header disagrees with the body.
    public static let headerMismatchCode = -32020
    /// 2026-07-28: the request needs a client capability the client did not declare.
    public static let missingRequiredClientCapabilityCode = -32021
    /// 2026-07-28: the request's protocol version is not one we serve.
    public static let unsupportedProtocolVersionCode = -32022

    // Our own codes, outside both JSON-RPC's reserved -32768…-32000 and MCP's -32020…-32099 (§ Error Codes).
    /// A high-trust tool called with a personal access token that is not elevated; data carries `elevationUrl`.
    public static let elevationRequiredCode = -31403
    /// Over a rate limit; data carries `retryAfterSeconds`, the HTTP answer is 429 with Retry-After.
    public static let rateLimitedCode = -31429

    public static func parseError(_ message: String = "Parse error: the body is not valid JSON") -> Self { .init(code: parseErrorCode, message: message) }
    public static func invalidRequest(_ message: String) -> Self { .init(code: invalidRequestCode, message: message) }
    public static func methodNotFound(_ method: String) -> Self { .init(code: methodNotFoundCode, message: "Method not found: \(method)") }
    public static func invalidParams(_ message: String) -> Self { .init(code: invalidParamsCode, message: message) }
    public static func headerMismatch(_ message: String) -> Self { .init(code: headerMismatchCode, message: message) }

    var json: JSONValue {
        var object: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { object["data"] = data }
        return .object(object)
    }

    /// The HTTP status the 2026-07-28 transport requires for this error (its §Server Validation table);
    /// the handshake era answers JSON-RPC errors with 200 except where the body could not be understood.
    func httpStatus(era: ProtocolEra?) -> Int {
        switch code {
        case Self.parseErrorCode, Self.invalidRequestCode: 400
        case Self.invalidParamsCode, Self.headerMismatchCode, Self.unsupportedProtocolVersionCode, Self.missingRequiredClientCapabilityCode: era == .modern ? 400 : 200
        case Self.methodNotFoundCode: era == .modern ? 404 : 200
        default: 200
        }
    }
}
