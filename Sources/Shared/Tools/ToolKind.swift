/// What a tool does, which decides what it takes to call it: a read, a write, or a high-trust action, which
/// also needs a second factor entered within the elevation window (`Elevation`). Both servers read it: the
/// resource-server to judge a call, the auth-server to name the tools a consent would open.
public enum ToolKind: String, Codable, Sendable, CaseIterable {
    case read
    case write
    case highTrust = "high-trust"

    public var needsSecondFactor: Bool { self == .highTrust }
}
