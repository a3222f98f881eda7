import Foundation
import Logging
import Shared
import ToolKit

/// Answers MCP methods once the HTTP layer has authenticated the caller and checked the envelope.
/// Stateless: every request stands alone, whichever era it speaks.
public struct MCPDispatcher: Sendable {
    public let registry: ToolRegistry
    /// Where the entries of calls that write nothing go; writes store theirs with their change.
    let audit: AuditRecorder
    let serverInfo: JSONValue = ["name": "gatehouse", "title": "Gatehouse service desk", "version": "0.1.0"]
    let instructions = """
        Gatehouse gives access to a managed-service provider's service desk as the signed-in person, \
        never with more rights than that person has. Call whoami to see which account and scopes you act with.
        """
    /// How long a client may cache `tools/list` and `server/discover` results (2026-07-28 caching).
    let listTTLMilliseconds: Int64 = 300_000

    /// Who may call which tool.
    let authority: ToolAuthority

    public init(registry: ToolRegistry, audit: AuditRecorder, authority: ToolAuthority = ToolAuthority()) {
        self.registry = registry
        self.audit = audit
        self.authority = authority
    }

    func handle(_ request: MCPRequest, caller: Caller, tenant: Tenant, logger: Logger) async -> Result<JSONValue, JSONRPCError> {
        do {
            var result: [String: JSONValue]
            switch (request.era, request.method) {
            case (.handshake, "initialize"): result = try initialize(request.params)
            case (.handshake, "ping"): result = [:]
            case (.modern, "server/discover"): result = discover()
            case (_, "tools/list"): result = try listTools(request, caller: caller)
            case (_, "tools/call"): result = try await callTool(request, caller: caller, tenant: tenant, logger: logger)
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

    private func listTools(_ request: MCPRequest, caller: Caller) throws(JSONRPCError) -> [String: JSONValue] {
        let cursor: String?
        switch request.params["cursor"] {
        case nil, .null?: cursor = nil
        case .string(let value)?: cursor = value
        default: throw .invalidParams("cursor must be a string")
        }
        let page = try registry.page(for: caller, cursor: cursor)
        var result: [String: JSONValue] = ["tools": .array(page.tools.map(\.listing))]
        if let next = page.nextCursor { result["nextCursor"] = .string(next) }
        if request.era == .modern {
            // The list depends on the token's scopes, so no shared cache may keep it (MCP caching (2026-07-28) § Cache Scope Field).
            result["ttlMs"] = .int(listTTLMilliseconds)
            result["cacheScope"] = "private"
        }
        return result
    }

    private func callTool(_ request: MCPRequest, caller: Caller, tenant: Tenant, logger: Logger) async throws -> [String: JSONValue] {
        let trail = Self.auditTrail(of: request, caller: caller, tenant: tenant)
        // A malformed call is answered -32602, after its entry is recorded.
        func malformed(_ message: String) -> JSONRPCError {
            audit.record(trail.entry(outcome: .error, dryRun: false))
            return .invalidParams(message)
        }
        guard let name = request.toolName else { throw malformed("name must be a string") }
        guard let tool = registry.tool(named: name) else {
            throw malformed("Unknown tool: \(trail.tool). Call tools/list for the tools this token can use.")
        }
        guard let arguments = request.callArguments.objectValue else { throw malformed("arguments must be an object") }
        switch authority.verdict(tool, for: caller, now: Date()) {
        case .allowed: break
        case .missingScopes, .needsSecondFactor:
            // Answered at the HTTP layer for access tokens; a personal access token cannot step up
            // through OAuth, so it is told where the person elevates it.
            audit.record(trail.entry(outcome: .refused, dryRun: false))
            throw elevationRequired(tool, issuer: tenant.issuer)
        case .roleRefused(let message):
            audit.record(trail.entry(outcome: .refused, dryRun: false))
            return Self.errorResult(message)
        }
        // Argument problems are tool errors the model can correct (SEP-1303), not protocol errors.
        if let problem = JSONSchemaValidator.problem(in: .object(arguments), against: tool.inputSchema) {
            audit.record(trail.entry(outcome: .error, dryRun: false))
            return Self.errorResult(problem)
        }
        do {
            let output = try await tool.run(ToolInvocation(arguments: arguments, caller: caller, tenant: tenant, audit: trail))
            if !trail.isRecorded { audit.record(trail.entry(outcome: .ok, dryRun: false)) }
            return ["content": [["type": "text", "text": .string(output.text)]], "structuredContent": output.structured, "isError": false]
        } catch let error as ToolError {
            audit.record(trail.entry(outcome: .error, dryRun: false))
            return Self.errorResult(error.message)
        } catch {
            audit.record(trail.entry(outcome: .error, dryRun: false))
            logger.error("tool failed", metadata: ["tool": "\(name)", "error": "\(error)"])
            return Self.errorResult("The tool \(name) failed unexpectedly; the error was logged for the operator.")
        }
    }

    /// A call refused before it ran leaves its entry too: refusals are what an auditor looks for.
    func recordRefusal(_ request: MCPRequest, caller: Caller, tenant: Tenant, outcome: AuditOutcome) {
        audit.record(Self.auditTrail(of: request, caller: caller, tenant: tenant).entry(outcome: outcome, dryRun: false))
    }

    /// The entry a `tools/call` will leave, malformed ones included: the tool as named (cut to the longest
    /// valid tool name, so a hostile name cannot bloat the log; `-` when there is none).
    private static func auditTrail(of request: MCPRequest, caller: Caller, tenant: Tenant) -> AuditTrail {
        let name = request.toolName.map { String($0.prefix(Tool.maximumNameLength)) } ?? "-"
        return AuditTrail(tenantID: tenant.id, tool: name, caller: caller, arguments: request.callArguments)
    }

    func elevationRequired(_ tool: Tool, issuer: String) -> JSONRPCError {
        let url = ToolAuthority.elevationURL(issuer: issuer)
        return JSONRPCError(
            code: JSONRPCError.elevationRequiredCode,
            message: "\(authority.secondFactorNeeded(by: tool.name)). Elevate this token at \(url), then call again.",
            data: ["elevationUrl": .string(url), "requiredScope": .string(Elevation.scope)]
        )
    }

    static func errorResult(_ message: String) -> [String: JSONValue] {
        ["content": [["type": "text", "text": .string(message)]], "isError": true]
    }
}
