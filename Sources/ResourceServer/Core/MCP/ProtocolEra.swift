/// The two generations of the MCP wire that share our one endpoint (MCP versioning (2026-07-28)
/// § Backward Compatibility with Initialization-Based Versions).
public enum ProtocolEra: Sendable, Equatable {
    /// 2025-03-26 … 2025-11-25: an `initialize` handshake, then requests carrying `MCP-Protocol-Version`.
    case handshake
    /// 2026-07-28: every request stands alone and carries its version in `params._meta`.
    case modern
}

public enum ProtocolVersions {
    /// Handshake-era revisions we serve, oldest first.
    public static let handshake = ["2025-03-26", "2025-06-18", "2025-11-25"]
    /// Per-request-envelope revisions we serve.
    public static let modern = ["2026-07-28"]
    public static let all = handshake + modern

    /// The only handshake revision that allowed JSON-RPC batches (removed in 2025-06-18).
    public static let batching = "2025-03-26"
    /// What a handshake-era request without `MCP-Protocol-Version` is taken to speak (MCP transports
    /// (2025-11-25) § Protocol Version Header).
    public static let assumedWhenAbsent = "2025-03-26"

    public static let metaKey = "io.modelcontextprotocol/protocolVersion"
    public static let clientCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    public static let serverInfoKey = "io.modelcontextprotocol/serverInfo"

    /// `YYYY-MM-DD`: the shape of every MCP revision name.
    static func looksLikeVersion(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in index == 4 || index == 7 || (0x30...0x39).contains(byte) }
    }
}
