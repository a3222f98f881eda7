import Foundation
import Logging
import Shared
import ToolKit

/// Answers MCP methods once the HTTP layer has authenticated the caller and checked the envelope.
/// Stateless: every request stands alone, whichever era it speaks.
struct MCPDispatcher: Sendable {
    let registry: ToolRegistry
    let serverInfo: JSONValue = ["name": "gatehouse", "title": "Gatehouse service desk", "version": "0.1.0"]
    let instructions = """
        Gatehouse gives access to a managed-service provider's service desk as the signed-in person, \
        never with more rights than that person has. Call whoami to see which account and scopes you act with.
        """
    /// How long a client may cache `tools/list` and `server/discover` results (2026-07-28 caching).
    let listTTLMilliseconds: Int64 = 300_000

    /// Runs the calls the gate admitted.
    let gate: CallGate

    init(registry: ToolRegistry, gate: CallGate) {
        self.registry = registry
        self.gate = gate
    }

    /// `call` is what the gate decided for a `tools/call` request; nil for every other method. `switchedOff`: the
    /// tenant's modules whose tools are not listed.
    func handle(
        _ request: MCPRequest, call: CallGate.Decision?, caller: Caller, tenant: Tenant, switchedOff: Set<ToolModule> = [], logger: Logger
    ) async -> Result<JSONValue, JSONRPCError> {
        do {
            var result: [String: JSONValue]
            switch (request.era, request.method, call) {
            case (.handshake, "initialize", _): result = try initialize(request.params)
            case (.handshake, "ping", _): result = [:]
            case (.modern, "server/discover", _): result = discover()
            case (_, "tools/list", _): result = try listTools(request, caller: caller, switchedOff: switchedOff)
            case (_, "tools/call", let decision?):
                guard case .object(let called) = try await gate.run(decision, caller: caller, tenant: tenant, logger: logger).get() else {
                    throw JSONRPCError(code: JSONRPCError.internalErrorCode, message: "Internal error")
                }
                result = called
            default: throw JSONRPCError.methodNotFound(request.method)
            }
            if request.era == .modern { result["resultType"] = "complete" }
            return .success(.object(result))
        } catch let error as JSONRPCError {
            return .failure(error)
        } catch {
            logger.error("MCP method failed", metadata: ["method": "\(request.method)", "error": "\(error)"])
            return .failure(JSONRPCError(code: JSONRPCError.internalErrorCode, message: "Internal error"))
        }
    }

    /// Lifecycle §Initialization: echo a version we serve, else offer our latest handshake version.
    private func initialize(_ params: [String: JSONValue]) throws(JSONRPCError) -> [String: JSONValue] {
        guard case .string(let requested)? = params["protocolVersion"] else { throw .invalidParams("protocolVersion is required") }
        let version = ProtocolVersions.handshake.contains(requested) ? requested : ProtocolVersions.handshake.last!
        return [
            "protocolVersion": .string(version), "capabilities": ["tools": ["listChanged": false]], "serverInfo": serverInfo,
            "instructions": .string(instructions),
        ]
    }

    /// 2026-07-28 server/discover: both eras' versions, so clients of either can find theirs (MCP versioning
    /// (2026-07-28) § Backward Compatibility with Initialization-Based Versions).
    private func discover() -> [String: JSONValue] {
        [
            "supportedVersions": .array(ProtocolVersions.all.map(JSONValue.string)), "capabilities": ["tools": ["listChanged": false]],
            "instructions": .string(instructions), "_meta": [ProtocolVersions.serverInfoKey: serverInfo],
            "ttlMs": .int(listTTLMilliseconds), "cacheScope": "public",
        ]
    }

    private func listTools(_ request: MCPRequest, caller: Caller, switchedOff: Set<ToolModule>) throws(JSONRPCError) -> [String: JSONValue] {
        let cursor: String?
        switch request.params["cursor"] {
        case nil, .null?: cursor = nil
        case .string(let value)?: cursor = value
        default: throw .invalidParams("cursor must be a string")
        }
        let page = try registry.page(for: caller, cursor: cursor, switchedOff: switchedOff)
        var result: [String: JSONValue] = ["tools": .array(page.tools.map(\.listing))]
        if let next = page.nextCursor { result["nextCursor"] = .string(next) }
        if request.era == .modern {
            // The list depends on the token's scopes, so no shared cache may keep it (MCP caching (2026-07-28) § Cache Scope Field).
            result["ttlMs"] = .int(listTTLMilliseconds)
            result["cacheScope"] = "private"
        }
        return result
    }

}
