import Shared

/// Address blocks a fetch of a client-supplied URL must never reach (CIMD draft § Server Side Request
/// Forgery (SSRF) Attacks): the IANA special-purpose registries that RFC 6890 set up, plus their
/// later entries (RFC 7526 6to4, RFC 8215 local NAT64, RFC 9602 SRv6, RFC 9637 documentation).
///
/// Blocks that carry an IPv4 address inside an IPv6 one (IPv4-mapped, NAT64) are judged by the IPv4
/// address they carry. Tunnel and transition prefixes (IPv4-compatible, 6to4, Teredo and the rest of
/// 2001::/23) are refused outright: no client publishes its documents there, and their relays could
/// deliver to an embedded private address. Any IPv6 address outside global unicast (2000::/3) is refused
/// too, so a block IANA assigns later is refused until this table knows it.
public struct SpecialUseAddressBlock: Sendable, Equatable, CustomStringConvertible {
    /// What the block is for, in words fit for an error page: "loopback", "private network".
    public let name: String
    /// The block in CIDR notation.
    public let range: String
    let block: IPAddressRange

    /// A block of this file's tables, written as CIDR.
    init(_ name: String, _ range: String) {
        self.init(name: name, range: range, block: IPAddressRange(range)!)
    }

    private init(name: String, range: String, block: IPAddressRange) {
        self.name = name
        self.range = range
        self.block = block
    }

    /// An IPv4 block reached through an IPv6 carrier block, named after both.
    func carried(by carrier: Self) -> Self {
        Self(name: "\(name), \(carrier.name)", range: "\(carrier.range) carrying \(range)", block: carrier.block)
    }

    public var description: String { "\(name) (\(range))" }

    /// Exactly the block: an IPv4-mapped address is not in an IPv4 block here, it is judged through its carrier.
    func contains(_ address: IPAddress) -> Bool { address.hasPrefix(block.network.bytes, length: block.prefixLength) }

    static let loopbackV4 = Self("loopback", "127.0.0.0/8")
    static let loopbackV6 = Self("loopback", "::1/128")

    /// Broadcast is listed before the reserved block that contains it, so it gets its own name.
    static let ipv4: [Self] = [
        Self("\"this network\"", "0.0.0.0/8"),
        Self("private network", "10.0.0.0/8"),
        Self("shared address space (carrier-grade NAT)", "100.64.0.0/10"),
        loopbackV4,
        Self("link-local", "169.254.0.0/16"),
        Self("private network", "172.16.0.0/12"),
        Self("IETF protocol assignments", "192.0.0.0/24"),
        Self("documentation", "192.0.2.0/24"),
        Self("AS112", "192.31.196.0/24"),
        Self("AMT", "192.52.193.0/24"),
        Self("6to4 relay anycast (deprecated)", "192.88.99.0/24"),
        Self("private network", "192.168.0.0/16"),
        Self("AS112", "192.175.48.0/24"),
        Self("benchmarking", "198.18.0.0/15"),
        Self("documentation", "198.51.100.0/24"),
        Self("documentation", "203.0.113.0/24"),
        Self("multicast", "224.0.0.0/4"),
        Self("broadcast", "255.255.255.255/32"),
        Self("reserved", "240.0.0.0/4"),
    ]

    /// IPv6 blocks whose last 32 bits are an IPv4 address that is reached in its place.
    static let ipv4Carriers: [Self] = [
        Self("IPv4-mapped", "::ffff:0:0/96"),
        Self("NAT64", "64:ff9b::/96"),
    ]

    /// Specific entries before the blocks that contain them, so each gets its own name.
    static let ipv6: [Self] = [
        Self("unspecified", "::/128"),
        loopbackV6,
        Self("IPv4-compatible (deprecated)", "::/96"),
        Self("local-use NAT64", "64:ff9b:1::/48"),
        Self("discard-only", "100::/64"),
        Self("Teredo", "2001::/32"),
        Self("IETF protocol assignments", "2001::/23"),
        Self("documentation", "2001:db8::/32"),
        Self("6to4 (deprecated)", "2002::/16"),
        Self("documentation", "3fff::/20"),
        Self("SRv6 SIDs", "5f00::/16"),
        Self("unique local (private network)", "fc00::/7"),
        Self("link-local", "fe80::/10"),
        Self("site-local (deprecated)", "fec0::/10"),
        Self("multicast", "ff00::/8"),
    ]

    static let globalUnicast = Self("global unicast", "2000::/3")
    static let outsideGlobalUnicast = Self(name: "not global unicast", range: "outside 2000::/3", block: globalUnicast.block)
}

extension IPAddress {
    /// The special-use block this address is in, or nil for an ordinary public unicast address.
    public var specialUseBlock: SpecialUseAddressBlock? {
        if isIPv4 { return SpecialUseAddressBlock.ipv4.first { $0.contains(self) } }
        if let carrier = SpecialUseAddressBlock.ipv4Carriers.first(where: { $0.contains(self) }) {
            return lastFourBytes.specialUseBlock?.carried(by: carrier)
        }
        if let block = SpecialUseAddressBlock.ipv6.first(where: { $0.contains(self) }) { return block }
        return SpecialUseAddressBlock.globalUnicast.contains(self) ? nil : .outsideGlobalUnicast
    }
}
