#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address as its bytes: what a host name resolved to, or a literal in a URL.
/// Text is parsed strictly (`inet_pton`: no `127.1` or `0x7f.1` shorthand) and printed canonically.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6, network order.
    public let bytes: [UInt8]

    public var isIPv4: Bool { bytes.count == 4 }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// `192.0.2.1`, `2001:db8::1` or `[2001:db8::1]` (the bracketed form URLs use).
    public init?(_ text: String) {
        var literal = Substring(text)
        if literal.hasPrefix("["), literal.hasSuffix("]") { literal = literal.dropFirst().dropLast() }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, String(literal), &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, String(literal), &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    /// The IPv4 address an IPv6 address carries in its last 32 bits.
    public var lastFourBytes: IPAddress { IPAddress(bytes: Array(bytes.suffix(4)))! }

    /// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, how a dual-stack socket reports an IPv4 peer) as the
    /// IPv4 address it is; any other address as itself.
    public var unmapped: IPAddress { IPAddressRange.ipv4Mapped.contains(self) ? lastFourBytes : self }

    /// 127.0.0.0/8, ::1, or an IPv4-mapped 127.0.0.0/8.
    public var isLoopback: Bool {
        let address = unmapped
        return address.isIPv4 ? IPAddressRange.loopbackV4.contains(address) : IPAddressRange.loopbackV6.contains(address)
    }

    /// Whether the first `length` bits equal those of `prefix`.
    public func hasPrefix(_ prefix: [UInt8], length: Int) -> Bool {
        guard prefix.count == bytes.count else { return false }
        var remaining = length
        for (byte, expected) in zip(bytes, prefix) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if byte & mask != expected & mask { return false }
            remaining -= 8
        }
        return true
    }

    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = isIPv4 ? AF_INET : AF_INET6
        let printed = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard printed != nil else { return bytes.map(String.init).joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
