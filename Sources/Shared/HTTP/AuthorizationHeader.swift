import Hummingbird
import HTTPTypes

extension HTTPFields {
    /// The field's value as `self[name]` gives it (repeated fields joined with ", ", RFC 9110 §5.3), without
    /// building a new string in the usual case of a single field: this runs several times per MCP request.
    public func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }

    /// The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive
    /// (RFC 9110 §11.1) and the token must match RFC 6750 §2.1's b64token syntax; anything else is nil.
    /// Scans UTF-8 bytes: this runs on every MCP request.
    public var bearerToken: Substring? {
        guard var value = value(.authorization) else { return nil }
        let tokenOffset: Int? = value.withUTF8 { bytes in
            let scheme: StaticString = "bearer"
            guard bytes.count > scheme.utf8CodeUnitCount + 1 else { return nil }
            for offset in 0..<scheme.utf8CodeUnitCount where bytes[offset] | 0x20 != scheme.utf8Start[offset] { return nil }
            var position = scheme.utf8CodeUnitCount
            guard bytes[position] == UInt8(ascii: " ") else { return nil }
            while position < bytes.count, bytes[position] == UInt8(ascii: " ") { position += 1 }
            guard position < bytes.count, bytes[position...].allSatisfy(Self.isB64TokenByte) else { return nil }
            return position
        }
        guard let tokenOffset else { return nil }
        return value[value.utf8.index(value.utf8.startIndex, offsetBy: tokenOffset)...]
    }

    public var hasAuthorization: Bool { contains(.authorization) }

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

/// The media types of a Content-Type or Accept header, lower-cased, without parameters.
public enum MediaTypes {
    public static func parse(_ header: String) -> [String] {
        // The common case, answered without splitting.
        if header == "application/json" { return ["application/json"] }
        var types: [String] = []
        for item in header.utf8.split(separator: UInt8(ascii: ",")) {
            let type = item.prefix { $0 != UInt8(ascii: ";") }.drop { $0 == 0x20 || $0 == 0x09 }
            let trimmed = type.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
            if !trimmed.isEmpty { types.append(String(decoding: trimmed.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)) }
        }
        return types
    }
}
