import Hummingbird

extension HTTPFields {
    /// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
    /// (RFC 9110 §11.1) and the token must match RFC 6750 §2.1's b64token syntax; anything else is nil.
    public var bearerToken: Substring? {
        guard let value = self[.authorization] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].drop { $0 == " " }
        guard !token.isEmpty, token.utf8.allSatisfy(Self.isB64TokenByte) else { return nil }
        return token
    }

    public var hasAuthorization: Bool { self[.authorization] != nil }

    private static func isB64TokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"),
            UInt8(ascii: "="):
            true
        default: false
        }
    }
}
