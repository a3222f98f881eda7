/// A named part of the tool catalogue a tenant's administrator can switch off (`resource-server admin tenant
/// set --feature billing=off`; README § Feature switches). Each tool names its module where it is declared;
/// `whoami` belongs to none and is never switched off. Both servers read it: the resource-server to hide and
/// refuse a switched-off module's tools, the auth-server to show the module in the tools reference.
public enum ToolModule: String, Codable, Sendable, CaseIterable, Comparable {
    case customers
    case tickets
    case alerts
    case assets
    case backups
    case contracts
    case billing
    case changes
    case search
    case audit
    case rules

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The names, for messages that list them.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// What a call of a switched-off module's tool is told.
    public var switchedOffMessage: String { "\(rawValue) is switched off for this tenant by its administrator" }
}
