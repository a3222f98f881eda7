/// A block of addresses in CIDR notation (RFC 4632 §3.1 for IPv4, RFC 4291 §2.3 for IPv6): `10.0.0.0/8`,
/// `2001:db8::/32`, or a single address, which stands for itself (/32 or /128).
public struct IPAddressRange: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let network = IPAddress(String(parts[0])) else { return nil }
        let maximum = network.bytes.count * 8
        if parts.count == 2 {
            // Digits only: Int() would take "+8".
            guard !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII), parts[1].allSatisfy(\.isNumber), let length = Int(parts[1]),
                length <= maximum
            else { return nil }
            self.init(network: network, prefixLength: length)
        } else {
            self.init(network: network, prefixLength: maximum)
        }
    }

    public init(network: IPAddress, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// An IPv4 range holds IPv4-mapped IPv6 addresses of its block too, as a dual-stack socket reports IPv4 peers.
    public func contains(_ address: IPAddress) -> Bool {
        let candidate = network.isIPv4 ? address.unmapped : address
        return candidate.hasPrefix(network.bytes, length: prefixLength)
    }

    public var description: String { "\(network)/\(prefixLength)" }

    static let loopbackV4 = IPAddressRange("127.0.0.0/8")!
    static let loopbackV6 = IPAddressRange("::1/128")!
    static let ipv4Mapped = IPAddressRange(network: IPAddress("::ffff:0:0")!, prefixLength: 96)
}
