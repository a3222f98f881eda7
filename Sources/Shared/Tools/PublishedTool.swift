/// One tool as the resource-server publishes it (`gatehouse_tools` in its RFC 9728 metadata, which §2 lets a
/// resource add members to) and the auth-server reads it, so a consent page can say what a grant of some
/// scopes lets an app do for a given person.
public struct PublishedTool: Codable, Sendable, Equatable {
    public var name: String
    /// What a grant needs for the tool.
    public var scopes: [String]
    public var kind: ToolKind
    /// The roles the tool is for; nil for every role. Text, not `Role`, so a role one server does not know
    /// yet hides that tool rather than the whole catalogue.
    public var roles: [String]?

    public init(name: String, scopes: [String], kind: ToolKind, roles: [String]? = nil) {
        self.name = name
        self.scopes = scopes
        self.kind = kind
        self.roles = roles
    }

    /// The member of the protected-resource metadata that lists them.
    public static let metadataMember = "gatehouse_tools"

    public func isFor(_ role: Role) -> Bool { roles?.contains(role.rawValue) ?? true }
}
