/// Where a request comes from, as limits and records see it: the connection's peer, or, when the peer is a
/// trusted reverse proxy, the address that proxy reports (see `TrustedProxies`).
public struct ClientAddress: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress

    public init(_ address: IPAddress) { self.address = address.unmapped }

    /// What per-address limits count under. An IPv6 address is counted by its /64: one subscriber usually
    /// holds at least that much (RFC 6177 §2), so counting single addresses would let one host rotate through
    /// billions of them.
    public var limitKey: String {
        guard !address.isIPv4 else { return address.description }
        return IPAddress(bytes: Array(address.bytes.prefix(8)) + Array(repeating: 0, count: 8))!.description + "/64"
    }

    /// The key of requests whose address is unknown (no peer address): they share one allowance.
    public static let unknownKey = "unknown"

    public var description: String { address.description }
}
