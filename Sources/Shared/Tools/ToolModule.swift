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

    /// What the module's tools do, for the admin page that switches it.
    public var summary: String {
        switch self {
        case .customers: "Customers, their contacts, sites and status"
        case .tickets: "Tickets: read, open, reply, add notes, change status, close"
        case .alerts: "Monitoring alerts: read, acknowledge, resolve"
        case .assets: "Devices, their warranty and status"
        case .backups: "Backups that are failing"
        case .contracts: "Service contracts"
        case .billing: "Invoices and amounts due"
        case .changes: "Recent changes across the desk"
        case .search: "Search across customers, tickets, devices and alerts"
        case .audit: "The audit log of a ticket"
        case .rules: "Automation rules: list them, their runs, and run one"
        }
    }

    /// What a call of a switched-off module's tool is told.
    public var switchedOffMessage: String { "\(rawValue) is switched off for this tenant by its administrator" }
}
