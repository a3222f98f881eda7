import Shared

/// A tool is a value: what it is called, what it does (written for a model to choose well), the JSON
/// Schema of its arguments, the scopes it needs, its kind, and the function that runs it.
public struct Tool: Sendable {
    public let name: String
    public let title: String
    public let description: String
    public let inputSchema: JSONValue
    public let outputSchema: JSONValue?
    public let requiredScopes: [String]
    public let kind: ToolKind
    /// The part of the catalogue the tool belongs to, which a tenant can switch off; nil for none (`whoami`).
    public let module: ToolModule?
    /// The roles that may use the tool on top of holding its scopes; nil for anyone with a valid token.
    public let roles: Set<Role>?
    public let run: @Sendable (ToolInvocation) async throws -> ToolOutput

    public static let maximumNameLength = 64

    /// Claude refuses every tool of a server when one name breaks `^[a-zA-Z0-9_-]{1,64}$` (docs/clients.md § Claude).
    public static func isValidName(_ name: String) -> Bool {
        (1...maximumNameLength).contains(name.utf8.count)
            && name.utf8.allSatisfy { Base62.isBase62($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    public init(
        name: String, title: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue? = nil,
        module: ToolModule?, requiredScopes: [String], kind: ToolKind, roles: Set<Role>? = nil, run: @escaping @Sendable (ToolInvocation) async throws -> ToolOutput
    ) {
        precondition(Self.isValidName(name), "tool name '\(name)' must match ^[a-zA-Z0-9_-]{1,64}$")
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.requiredScopes = requiredScopes
        self.kind = kind
        self.module = module
        self.roles = roles
        self.run = run
    }

    /// The same tool for fewer roles.
    public func limited(to roles: Set<Role>) -> Tool {
        Tool(name: name, title: title, description: description, inputSchema: inputSchema, outputSchema: outputSchema,
             module: module, requiredScopes: requiredScopes, kind: kind, roles: roles, run: run)
    }

    /// The roles the tool is for, in the catalogue's order; nil when it is for everyone.
    public var roleNames: [String]? {
        roles.map { roles in Role.allCases.filter(roles.contains).map(\.rawValue) }
    }
}

/// One call of a tool: its validated arguments, the caller, the tenant it runs in, and the audit entry
/// the call will leave (a write records it in its own transaction).
public struct ToolInvocation: Sendable {
    public let arguments: [String: JSONValue]
    public let caller: Caller
    public let tenant: Tenant
    public let audit: AuditTrail

    public init(arguments: [String: JSONValue], caller: Caller, tenant: Tenant, audit: AuditTrail) {
        self.arguments = arguments
        self.caller = caller
        self.tenant = tenant
        self.audit = audit
    }
}

/// What a tool returns: structured content (which matches its output schema) and the text a model reads.
public struct ToolOutput: Sendable {
    public let structured: JSONValue
    public let text: String

    public init(structured: JSONValue, text: String) {
        self.structured = structured
        self.text = text
    }
}

/// A failure the tool reports to the model as a result with `isError`, not as a protocol error.
public struct ToolError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
