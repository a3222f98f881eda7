/// Whether a URL's host can only be this machine: 127.0.0.0/8, ::1 (bracketed or not), `localhost`, and names
/// under `.localhost`, which RFC 6761 §6.3 reserves for loopback. OAuth 2.1 §1.5 lets exactly these go
/// without TLS.
public enum LoopbackHost {
    public static func contains(_ host: String) -> Bool {
        let name = host.lowercased()
        if name == "localhost" || name.hasSuffix(".localhost") { return true }
        return IPAddress(name)?.isLoopback ?? false
    }
}
