import Foundation
import Shared
import ToolKit

extension ToolReference {
    /// The reference entry of a registered tool; the errors are the ones `CallGate`, `ToolAuthority`, the rate
    /// limits and the write controls can answer a call of it with.
    init(_ tool: Tool, switchedOff: Bool = false) {
        self.init(
            name: tool.name, title: tool.title, description: tool.description, kind: tool.kind, module: tool.module, scopes: tool.requiredScopes,
            roles: tool.roleNames, inputSchema: Self.pretty(tool.inputSchema), outputSchema: tool.outputSchema.map(Self.pretty),
            errors: Self.errors(of: tool), switchedOff: switchedOff
        )
    }

    static func errors(of tool: Tool) -> [String] {
        var errors: [String] = []
        if let module = tool.module {
            errors.append("Tool error when the tenant switched the \(module.rawValue) module off: \"\(module.switchedOffMessage).\"")
        }
        if !tool.requiredScopes.isEmpty {
            errors.append("HTTP 403 insufficient_scope naming \(tool.requiredScopes.joined(separator: " ")) when the token lacks one of them.")
        }
        if let roles = tool.roleNames, roles.count < Role.allCases.count {
            errors.append("Tool error for an account whose role is not \(roles.joined(separator: " or ")), or a company account linked to no customer.")
        }
        if tool.kind.needsSecondFactor {
            errors.append(
                "HTTP 403 insufficient_scope asking for \(Elevation.scope) without a second factor from the elevation window; "
                    + "JSON-RPC error \(JSONRPCError.elevationRequiredCode) with an elevation URL for a personal access token.")
        }
        errors.append("Tool error naming the argument when the arguments do not match the input schema.")
        let properties = tool.inputSchema["properties"]?.objectValue ?? [:]
        if properties["cursor"] != nil { errors.append("Tool error when cursor is not one this list returned.") }
        if tool.kind != .read {
            errors.append(
                "Tool error starting \"Nothing was changed\": a record that is not found or not visible, a record in the wrong state, "
                    + "an idempotency_key reused for another call, or a confirmation that is unknown, spent or expired.")
        }
        errors.append(
            "HTTP 429 with JSON-RPC error \(JSONRPCError.rateLimitedCode) and Retry-After over the \(tool.kind == .read ? "read" : "write") rate limit.")
        return errors
    }

    /// Sorted keys, so the reference is the same bytes for the same registry.
    static func pretty(_ schema: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(schema), as: UTF8.self)) ?? "{}"
    }
}

extension ToolRegistry {
    /// Every tool's reference entry, marked for the modules the tenant switched off.
    func reference(switchedOff: Set<ToolModule> = []) -> ToolReference.Document {
        ToolReference.Document(tools: tools.map { ToolReference($0, switchedOff: Self.isSwitchedOff($0, switchedOff)) })
    }
}
