import Foundation

/// The reverse proxies whose `X-Forwarded-For` is believed (`GATEHOUSE_TRUSTED_PROXIES`). Behind one, every
/// connection comes from the proxy, so per-address limits would count all of its visitors as one.
///
/// Only `X-Forwarded-For` is read, the header the shipped nginx site sets: a proxy that sets one header
/// passes the other through untouched, so reading both would let a client write its own address. The
/// header is read right to left, skipping trusted proxies, because each proxy appends the address it saw and
/// only the right-most entries were written by proxies we trust; anything left of the first untrusted
/// entry is whatever the client sent.
public struct TrustedProxies: Sendable, Equatable {
    public let ranges: [IPAddressRange]

    public init(_ ranges: [IPAddressRange]) { self.ranges = ranges }

    public static let none = TrustedProxies([])

    /// A comma-separated list of addresses and CIDR ranges; the failure names the first entry that is neither.
    public static func parse(_ text: String) -> Result<TrustedProxies, SettingProblem> {
        var ranges: [IPAddressRange] = []
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            guard let range = IPAddressRange(entry) else {
                return .failure(SettingProblem("must be a comma-separated list of IP addresses and CIDR ranges; '\(entry)' is neither"))
            }
            ranges.append(range)
        }
        return .success(TrustedProxies(ranges))
    }

    public func trusts(_ address: IPAddress) -> Bool { ranges.contains { $0.contains(address) } }

    /// The client's address. `forwardedFor` holds every `X-Forwarded-For` field value in the order received.
    public func clientAddress(peer: IPAddress?, forwardedFor: [Substring]) -> ClientAddress? {
        guard var address = peer else { return nil }
        guard trusts(address) else { return ClientAddress(address) }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
        for hop in hops.reversed() {
            // An entry a trusted proxy wrote that is not an address: that proxy is the last hop we can vouch for.
            guard let forwarded = IPAddress(hop.trimmingCharacters(in: .whitespaces)) else { break }
            address = forwarded
            if !trusts(forwarded) { break }
        }
        return ClientAddress(address)
    }
}
