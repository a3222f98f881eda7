import Shared
import Testing

@testable import AuthServerCore

/// Which resolved addresses a client-supplied fetch may reach (CIMD draft § Server Side Request Forgery (SSRF) Attacks, RFC 6890).
@Suite("Special-use addresses")
struct SpecialUseAddressBlockTests {
    /// Address, and the block name it must be refused under (nil: public, allowed).
    static let table: [(String, String?)] = [
        // IPv4
        ("0.0.0.0", "\"this network\""),
        ("10.0.0.1", "private network"),
        ("100.64.0.1", "shared address space (carrier-grade NAT)"),
        ("100.127.255.254", "shared address space (carrier-grade NAT)"),
        ("100.128.0.1", nil),
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("169.254.169.254", "link-local"),
        ("172.16.0.1", "private network"),
        ("172.31.255.255", "private network"),
        ("172.32.0.1", nil),
        ("192.0.0.8", "IETF protocol assignments"),
        ("192.0.2.10", "documentation"),
        ("192.88.99.1", "6to4 relay anycast (deprecated)"),
        ("192.168.1.1", "private network"),
        ("198.18.0.1", "benchmarking"),
        ("198.19.255.255", "benchmarking"),
        ("198.20.0.1", nil),
        ("198.51.100.7", "documentation"),
        ("203.0.113.9", "documentation"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("8.8.8.8", nil),
        ("93.184.216.34", nil),
        ("160.79.104.10", nil),
        // IPv6
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("::127.0.0.1", "IPv4-compatible (deprecated)"),
        ("::8.8.8.8", "IPv4-compatible (deprecated)"),
        ("::ffff:127.0.0.1", "loopback, IPv4-mapped"),
        ("::ffff:10.0.0.1", "private network, IPv4-mapped"),
        ("::ffff:169.254.169.254", "link-local, IPv4-mapped"),
        ("::ffff:8.8.8.8", nil),
        ("64:ff9b::192.168.0.1", "private network, NAT64"),
        ("64:ff9b::8.8.8.8", nil),
        ("64:ff9b:1::1", "local-use NAT64"),
        ("100::1", "discard-only"),
        ("2001::1", "Teredo"),
        ("2001:2::1", "IETF protocol assignments"),
        ("2001:db8::1", "documentation"),
        ("2002:c0a8:101::1", "6to4 (deprecated)"),
        ("2002:808:808::1", "6to4 (deprecated)"),
        ("3fff::1", "documentation"),
        ("5f00::1", "SRv6 SIDs"),
        ("fc00::1", "unique local (private network)"),
        ("fd12:3456::1", "unique local (private network)"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local (deprecated)"),
        ("ff02::1", "multicast"),
        ("4000::1", "not global unicast"),
        ("2606:4700:4700::1111", nil),
        ("2001:4860:4860::8888", nil),
    ]

    @Test("every special-use block is refused, public addresses pass", arguments: table)
    func classification(address: String, expected: String?) throws {
        let parsed = try #require(IPAddress(address), "\(address) did not parse")
        #expect(parsed.specialUseBlock?.name == expected, "\(address)")
    }

    @Test("loopback is exactly 127.0.0.0/8, ::1 and IPv4-mapped 127.0.0.0/8")
    func loopback() {
        for address in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] { #expect(IPAddress(address)?.isLoopback == true, "\(address)") }
        for address in ["10.0.0.1", "::", "::2", "64:ff9b::127.0.0.1", "::127.0.0.1", "0.0.0.0", "8.8.8.8"] {
            #expect(IPAddress(address)?.isLoopback == false, "\(address)")
        }
    }

    @Test("addresses parse strictly and print canonically")
    func parsing() {
        #expect(IPAddress("127.1") == nil)
        #expect(IPAddress("0x7f.0.0.1") == nil)
        #expect(IPAddress("127.0.0.1.") == nil)
        #expect(IPAddress("example.com") == nil)
        #expect(IPAddress("")?.description == nil)
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("2001:DB8:0:0::1")?.description == "2001:db8::1")
        #expect(IPAddress("192.0.2.1")?.description == "192.0.2.1")
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}
