import Shared
import Testing

/// How a request's client address is worked out behind reverse proxies, and how limits key it.
@Suite("Client address")
struct ClientAddressTests {
    static let proxies = try! TrustedProxies.parse("127.0.0.1, 10.0.0.0/8, 2001:db8:ffff::/48").get()

    static func client(peer: String?, _ forwardedFor: String...) -> String? {
        proxies.clientAddress(peer: peer.flatMap(IPAddress.init), forwardedFor: forwardedFor.map { $0[...] })?.description
    }

    @Test("CIDR ranges: IPv4 and IPv6, single addresses, and what is not a range")
    func ranges() throws {
        let range = try #require(IPAddressRange("10.0.0.0/8"))
        #expect(range.contains(IPAddress("10.255.1.2")!))
        #expect(!range.contains(IPAddress("11.0.0.1")!))
        #expect(range.contains(IPAddress("::ffff:10.1.2.3")!), "an IPv4 peer reported by a dual-stack socket")
        #expect(try #require(IPAddressRange("192.0.2.7")).contains(IPAddress("192.0.2.7")!))
        #expect(try #require(IPAddressRange("192.0.2.7")).prefixLength == 32)
        #expect(try #require(IPAddressRange("2001:db8::/32")).contains(IPAddress("2001:db8:1::9")!))
        #expect(!(try #require(IPAddressRange("2001:db8::/32")).contains(IPAddress("2001:db9::1")!)))
        for bad in ["", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/+8", "10.0.0.0/8/8", "::/129", "host.example", "10.0.0.0/-1", "10.0.0.0/ 8"] {
            #expect(IPAddressRange(bad) == nil, "\(bad)")
        }
        #expect(throws: SettingProblem.self) { try TrustedProxies.parse("127.0.0.1, proxy.example").get() }
        #expect(try TrustedProxies.parse(" , ").get() == .none)
    }

    @Test("an untrusted peer is the client, whatever X-Forwarded-For claims")
    func untrustedPeer() {
        #expect(Self.client(peer: "198.51.100.7", "203.0.113.1") == "198.51.100.7")
        #expect(Self.client(peer: "198.51.100.7") == "198.51.100.7")
        #expect(Self.client(peer: nil, "203.0.113.1") == nil)
        #expect(TrustedProxies.none.clientAddress(peer: IPAddress("127.0.0.1"), forwardedFor: ["203.0.113.1"])?.description == "127.0.0.1")
    }

    @Test("behind trusted proxies: the right-most address that is not a trusted proxy; what the client wrote to its left is ignored")
    func rightMostUntrusted() {
        #expect(Self.client(peer: "127.0.0.1", "203.0.113.1") == "203.0.113.1")
        #expect(Self.client(peer: "127.0.0.1", "6.6.6.6, 203.0.113.1") == "203.0.113.1", "a forged entry on the left")
        #expect(Self.client(peer: "127.0.0.1", "203.0.113.1, 10.1.1.1") == "203.0.113.1", "a chain of trusted proxies")
        #expect(Self.client(peer: "127.0.0.1", "6.6.6.6", "203.0.113.1, 10.1.1.1") == "203.0.113.1", "several header lines, in order")
        #expect(Self.client(peer: "::ffff:127.0.0.1", "2001:db8:1::5") == "2001:db8:1::5")
        // Nothing forwarded, or everything trusted: the nearest hop we can vouch for.
        #expect(Self.client(peer: "127.0.0.1") == "127.0.0.1")
        #expect(Self.client(peer: "127.0.0.1", "10.0.0.9, 10.0.0.8") == "10.0.0.9")
        // Garbage a trusted proxy passed on: stop at the proxy that reported it.
        #expect(Self.client(peer: "127.0.0.1", "not-an-address, 10.0.0.8") == "10.0.0.8")
        #expect(Self.client(peer: "127.0.0.1", "203.0.113.1:4711") == "127.0.0.1", "a port is not an address")
    }

    @Test("limits key IPv4 by address and IPv6 by its /64")
    func limitKeys() {
        let v6 = ClientAddress(IPAddress("2001:db8:1:2:aaaa::1")!)
        #expect(v6.limitKey == ClientAddress(IPAddress("2001:db8:1:2:ffff:ffff:ffff:ffff")!).limitKey)
        #expect(v6.limitKey != ClientAddress(IPAddress("2001:db8:1:3::1")!).limitKey)
        #expect(v6.limitKey == "2001:db8:1:2::/64")
        #expect(ClientAddress(IPAddress("192.0.2.1")!).limitKey == "192.0.2.1")
        #expect(ClientAddress(IPAddress("::ffff:192.0.2.1")!).limitKey == "192.0.2.1", "a mapped IPv4 peer counts as that IPv4 address")
        #expect(v6.description == "2001:db8:1:2:aaaa::1", "records keep the whole address")
    }

    @Test("loopback hosts: 127.0.0.0/8, ::1, localhost and names under .localhost (RFC 6761 §6.3)")
    func loopbackHosts() {
        for host in ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST", "app.localhost", "::ffff:127.0.0.1"] {
            #expect(LoopbackHost.contains(host), "\(host)")
        }
        for host in ["128.0.0.1", "localhost.example.com", "mylocalhost", "10.0.0.1", "::2", "example.com", ""] {
            #expect(!LoopbackHost.contains(host), "\(host)")
        }
    }
}
