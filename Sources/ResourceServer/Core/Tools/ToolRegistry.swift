import Foundation
import Shared
import ToolKit

/// The tools this server offers, in a fixed order so `tools/list` pages are stable.
public struct ToolRegistry: Sendable {
    public let tools: [Tool]
    private let byName: [String: Tool]
    /// How many tools one `tools/list` page holds.
    public let pageSize: Int

    public init(tools: [Tool], pageSize: Int = 100) {
        self.tools = tools
        self.byName = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in
            preconditionFailure("two tools are named '\(first.name)'")
        })
        self.pageSize = pageSize
    }

    public func tool(named name: String) -> Tool? { byName[name] }

    /// Whether the tenant switched the tool's module off; a tool of no module never is.
    public static func isSwitchedOff(_ tool: Tool, _ switchedOff: Set<ToolModule>) -> Bool {
        tool.module.map(switchedOff.contains) ?? false
    }

    /// The tools a tenant with these modules switched off offers, in the registry's order.
    public func offered(switchedOff: Set<ToolModule>) -> [Tool] {
        switchedOff.isEmpty ? tools : tools.filter { !Self.isSwitchedOff($0, switchedOff) }
    }

    /// Tools the tenant offers and the caller's scopes, role and company allow (`ToolAuthority.isListed`).
    public func visibleTools(for caller: Caller, switchedOff: Set<ToolModule> = []) -> [Tool] {
        offered(switchedOff: switchedOff).filter { ToolAuthority.isListed($0, for: caller) }
    }

    /// Every scope some offered tool needs, sorted: what the protected-resource metadata advertises. A scope
    /// goes only when every tool needing it is switched off.
    public func scopes(switchedOff: Set<ToolModule> = []) -> [String] {
        Array(Set(offered(switchedOff: switchedOff).flatMap(\.requiredScopes))).sorted()
    }

    /// Every scope some tool needs, whatever is switched off.
    public var allScopes: [String] { scopes() }

    /// One page of the caller's tools. The cursor is opaque to clients: the name of the last tool sent.
    func page(for caller: Caller, cursor: String?, switchedOff: Set<ToolModule> = []) throws(JSONRPCError) -> (tools: [Tool], nextCursor: String?) {
        let visible = visibleTools(for: caller, switchedOff: switchedOff)
        var start = 0
        if let cursor {
            guard let decoded = ToolListCursor.decode(cursor), let index = visible.firstIndex(where: { $0.name == decoded }) else {
                throw .invalidParams("Invalid cursor")
            }
            start = index + 1
        }
        let end = min(start + pageSize, visible.count)
        let page = Array(visible[start..<end])
        return (page, end < visible.count ? page.last.map { ToolListCursor.encode($0.name) } : nil)
    }
}

enum ToolListCursor {
    static func encode(_ name: String) -> String { "c1." + Data(name.utf8).base64EncodedString() }

    static func decode(_ cursor: String) -> String? {
        guard cursor.hasPrefix("c1."), let data = Data(base64Encoded: String(cursor.dropFirst(3))) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
