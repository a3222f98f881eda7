import Shared

/// /tools: every tool the resource-server offers, as its registry describes it (`ToolReference`), for anyone
/// signed in: what it does, its kind and module, the scopes and roles it needs, its schemas and the errors it can
/// answer with. The tools of modules the tenant switched off are marked, not hidden, so people know why an app
/// does not offer them.
public struct ToolsReferencePage: Page {
    public static let template = PageTemplate.tools

    public struct Tool: Sendable, Equatable {
        public let name: String
        public let title: String
        public let description: String
        public let kind: String
        public let module: String
        public let scopes: [String]
        public let roles: String
        public let inputSchema: String
        public let outputSchema: String?
        public let errors: [String]
        public let switchedOff: Bool

        init(_ tool: ToolReference) {
            name = tool.name
            title = tool.title
            description = tool.description
            kind = tool.kind.rawValue
            module = tool.module?.rawValue ?? "none"
            scopes = tool.scopes
            roles = tool.roles?.joined(separator: ", ") ?? "everyone"
            inputSchema = tool.inputSchema
            outputSchema = tool.outputSchema
            errors = tool.errors
            switchedOff = tool.switchedOff
        }
    }

    public let account: AccountFrame
    public let tools: [Tool]
    /// The resource-server could not be asked: the page says so instead of showing an empty list.
    public let unavailable: Bool

    public init(signedIn: SignedInSession, reference: ToolReference.Document?) {
        account = AccountFrame(signedIn: signedIn, current: .tools)
        tools = reference?.tools.map(Tool.init) ?? []
        unavailable = reference == nil
    }
}
