import Foundation

/// One tool as the tools reference shows it: generated from the resource-server's registry, never written by
/// hand. The resource-server writes it to docs/tools.md (`resource-server tools-reference`) and serves it at
/// `path` for the auth-server's /tools page, which has no registry of its own. Schemas travel as pretty-printed
/// JSON text, which is all either reader does with them.
public struct ToolReference: Codable, Sendable, Equatable {
    public var name: String
    public var title: String
    public var description: String
    public var kind: ToolKind
    /// nil for a tool in no module, which is never switched off.
    public var module: ToolModule?
    public var scopes: [String]
    /// nil for every role.
    public var roles: [String]?
    public var inputSchema: String
    public var outputSchema: String?
    /// What a call can be answered with besides its result, in words.
    public var errors: [String]
    /// Whether the tenant asking switched the tool's module off.
    public var switchedOff: Bool

    public init(
        name: String, title: String, description: String, kind: ToolKind, module: ToolModule?, scopes: [String], roles: [String]?,
        inputSchema: String, outputSchema: String?, errors: [String], switchedOff: Bool = false
    ) {
        self.name = name
        self.title = title
        self.description = description
        self.kind = kind
        self.module = module
        self.scopes = scopes
        self.roles = roles
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.errors = errors
        self.switchedOff = switchedOff
    }

    enum CodingKeys: String, CodingKey {
        case name, title, description, kind, module, scopes, roles, errors
        case inputSchema = "input_schema", outputSchema = "output_schema", switchedOff = "switched_off"
    }

    /// The body served at `path`.
    public struct Document: Codable, Sendable, Equatable {
        public var tools: [ToolReference]
        public init(tools: [ToolReference]) { self.tools = tools }
    }

    public static let path = "/tools-reference"

    /// On the resource's host, beside its metadata.
    public static func url(forResource resource: String) -> String {
        (URLOrigin.of(resource) ?? resource) + path
    }
}
