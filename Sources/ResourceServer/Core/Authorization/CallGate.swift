import Foundation
import Logging
import Shared
import ToolKit

/// The one decision every `tools/call` goes through, for every kind of caller, before anything of the body
/// runs: the call's shape, the tool, then `ToolAuthority` (the token's scopes, the person's role and company,
/// the second factor), the arguments against the tool's schema, and the rate limits. What the caller may
/// not do is decided for the whole body first (docs/clients.md § Claude: a batch is refused as a whole), then
/// the rate limits are taken for each call in order.
///
/// Every call leaves exactly one audit entry, written by `record` (refusals, errors and reads here; a write
/// stores its entry in its own transaction, with its change).
struct CallGate: Sendable {
    let registry: ToolRegistry
    let authority: ToolAuthority
    let rateLimits: any ToolCallLimiter
    let audit: AuditRecorder

    init(registry: ToolRegistry, authority: ToolAuthority, rateLimits: any ToolCallLimiter, audit: AuditRecorder) {
        self.registry = registry
        self.authority = authority
        self.rateLimits = rateLimits
        self.audit = audit
    }

    /// What becomes of one admitted call.
    enum Decision: Sendable {
        /// Run the tool with these arguments; the trail is its audit entry to be.
        case run(Tool, arguments: [String: JSONValue], trail: AuditTrail)
        /// Answered without running (already audited): a tool result with `isError` the model can act on, or a
        /// JSON-RPC error.
        case answered(Result<JSONValue, JSONRPCError>)
    }

    /// Why the whole HTTP request is refused (already audited).
    enum Refusal: Sendable, Equatable {
        /// 403 with an `insufficient_scope` challenge naming everything the call needs, so a connector asks
        /// the person for it (MCP authorization spec (2025-11-25) § Runtime Insufficient Scope Errors).
        case insufficientScope(needed: [String], description: String)
        /// 429: the call over its allowance, and when to come back.
        case rateLimited(call: JSONValue, retryAfter: Int, error: JSONRPCError)
    }

    enum Admission: Sendable {
        case refused(Refusal)
        /// One decision per call, in the order given.
        case admitted([Decision])
    }

    /// - Parameter switchedOff: the tenant's modules whose tools are answered with a tool error naming the switch.
    func admit(
        _ calls: [MCPRequest], caller: Caller, tenant: Tenant, switchedOff: Set<ToolModule> = [], address: ClientAddress? = nil, now: Date = Date()
    ) async throws -> Admission {
        var judged: [(call: MCPRequest, trail: AuditTrail, kind: ToolKind, decision: Decision, outcome: AuditOutcome?)] = []
        for call in calls {
            let trail = Self.trail(of: call, caller: caller, tenant: tenant, address: address)
            switch judge(call, trail: trail, caller: caller, tenant: tenant, switchedOff: switchedOff, now: now) {
            case .challenge(let needed, let description):
                record(trail, .refused)
                return .refused(.insufficientScope(needed: needed, description: description))
            case .decided(let kind, let decision, let outcome):
                judged.append((call, trail, kind, decision, outcome))
            }
        }
        for item in judged {
            guard let retryAfter = try await rateLimits.take(caller, kind: item.kind, now: now.timeIntervalSince1970) else { continue }
            record(item.trail, .rateLimited)
            let limit = item.kind == .read ? rateLimits.limits.readsPerMinute : rateLimits.limits.writesPerMinute
            let error = JSONRPCError(
                code: JSONRPCError.rateLimitedCode,
                message: "Rate limit: at most \(limit) \(item.kind == .read ? "reads" : "writes") a minute for each grant (connected app or personal access token) and for each person. "
                    + "Try again in \(retryAfter) s.",
                data: ["retryAfterSeconds": .int(Int64(retryAfter))]
            )
            return .refused(.rateLimited(call: item.call.id, retryAfter: retryAfter, error: error))
        }
        for item in judged { if let outcome = item.outcome { record(item.trail, outcome) } }
        return .admitted(judged.map(\.decision))
    }

    /// Runs an admitted call and records how it ended.
    func run(_ decision: Decision, caller: Caller, tenant: Tenant, logger: Logger) async -> Result<JSONValue, JSONRPCError> {
        let (tool, arguments, trail): (Tool, [String: JSONValue], AuditTrail)
        switch decision {
        case .answered(let answer): return answer
        case .run(let chosen, let given, let entry): (tool, arguments, trail) = (chosen, given, entry)
        }
        do {
            let output = try await tool.run(ToolInvocation(arguments: arguments, caller: caller, tenant: tenant, audit: trail))
            if !trail.isRecorded { record(trail, .ok) }
            return .success(["content": [["type": "text", "text": .string(output.text)]], "structuredContent": output.structured, "isError": false])
        } catch let error as ToolError {
            record(trail, .error)
            return .success(Self.errorResult(error.message))
        } catch {
            record(trail, .error)
            logger.error("tool failed", metadata: ["tool": "\(tool.name)", "error": "\(error)"])
            return .success(Self.errorResult("The tool \(tool.name) failed unexpectedly; the error was logged for the operator."))
        }
    }

    /// The one place a call's audit entry is written from (a write's own entry is stored with its change).
    private func record(_ trail: AuditTrail, _ outcome: AuditOutcome) {
        audit.record(trail.entry(outcome: outcome, dryRun: false))
    }

    private enum Judgement {
        case challenge(needed: [String], description: String)
        /// The rate-limit kind the call counts as, what to do with it, and the entry to leave if it is answered here.
        case decided(ToolKind, Decision, AuditOutcome?)
    }

    private func judge(_ call: MCPRequest, trail: AuditTrail, caller: Caller, tenant: Tenant, switchedOff: Set<ToolModule>, now: Date) -> Judgement {
        // A malformed call is answered -32602, and costs a read like any other so it is no free way to flood the log.
        func malformed(_ message: String) -> Judgement { .decided(.read, .answered(.failure(.invalidParams(message))), .error) }
        guard let name = call.toolName else { return malformed("name must be a string") }
        guard let tool = registry.tool(named: name) else {
            return malformed("Unknown tool: \(String(name.prefix(Tool.maximumNameLength))). Call tools/list for the tools this token can use.")
        }
        guard let arguments = call.callArguments.objectValue else { return malformed("arguments must be an object") }
        // Before scopes: a challenge for a switched-off module's scope would only be narrowed away at consent.
        if let module = tool.module, switchedOff.contains(module) {
            return .decided(tool.kind, .answered(.success(Self.errorResult(module.switchedOffMessage + "."))), .switchedOff)
        }
        switch authority.verdict(tool, for: caller, now: now) {
        case .allowed: break
        case .missingScopes(let needed):
            return .challenge(needed: needed, description: "The tool \(name) needs the scopes \(needed.joined(separator: " "))")
        case .needsSecondFactor(let needed):
            switch caller.tokenKind {
            case .accessToken: return .challenge(needed: needed, description: authority.secondFactorNeeded(by: name))
            // A personal access token cannot step up through OAuth: it is told where the person elevates it.
            case .personalAccessToken: return .decided(tool.kind, .answered(.failure(elevationRequired(tool, issuer: tenant.issuer, caller: caller))), .refused)
            // Nobody can enter a second factor for a service account: a plain refusal, no challenge it could never answer.
            case .serviceAccount: return .decided(tool.kind, .answered(.success(Self.errorResult(ToolAuthority.serviceAccountRefusal(name)))), .refused)
            }
        case .roleRefused(let message):
            return .decided(tool.kind, .answered(.success(Self.errorResult(message))), .refused)
        }
        // Argument problems are tool errors the model can correct (SEP-1303), not protocol errors.
        if let problem = JSONSchemaValidator.problem(in: .object(arguments), against: tool.inputSchema) {
            return .decided(tool.kind, .answered(.success(Self.errorResult(problem))), .error)
        }
        return .decided(tool.kind, .run(tool, arguments: arguments, trail: trail), nil)
    }

    func elevationRequired(_ tool: Tool, issuer: String, caller: Caller) -> JSONRPCError {
        let url = ToolAuthority.elevationURL(issuer: issuer, token: caller)
        return JSONRPCError(
            code: JSONRPCError.elevationRequiredCode,
            message: "\(authority.secondFactorNeeded(by: tool.name)). Elevate this token at \(url), then call again.",
            data: ["elevationUrl": .string(url), "requiredScope": .string(Elevation.scope)]
        )
    }

    /// The entry a `tools/call` will leave, malformed ones included: the tool as named (cut to the longest
    /// valid tool name, so a hostile name cannot bloat the log; `-` when there is none).
    private static func trail(of call: MCPRequest, caller: Caller, tenant: Tenant, address: ClientAddress?) -> AuditTrail {
        let name = call.toolName.map { String($0.prefix(Tool.maximumNameLength)) } ?? "-"
        return AuditTrail(tenantID: tenant.id, tool: name, caller: caller, arguments: call.callArguments, clientAddress: address?.description)
    }

    static func errorResult(_ message: String) -> JSONValue {
        ["content": [["type": "text", "text": .string(message)]], "isError": true]
    }
}
