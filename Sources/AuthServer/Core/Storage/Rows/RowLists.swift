import Foundation

/// How the stores keep lists in one column, the same on both engines: scopes and hashes space-separated (RFC 6749
/// §3.3 forbids spaces in a scope token; base64url has none), URIs and grant types as JSON arrays.
enum RowLists {
    static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    static func text(_ words: [String]) -> String { words.joined(separator: " ") }

    /// One decoder for every read, not one per call: a client read decodes two lists.
    private static let decoder = JSONDecoder()

    /// Every token, introspection and revocation request reads its client and so two of these lists, where
    /// `JSONDecoder` was 2-4% of the request: the form `jsonText` writes (no whitespace; `\/`, `\"` and `\\`
    /// the only escapes its URIs and grant types bring) is read here, and anything else by the decoder.
    static func jsonArray(_ text: String) throws -> [String] {
        if let strings = plainArray(text.utf8) { return strings }
        return try decoder.decode([String].self, from: Data(text.utf8))
    }

    private static func plainArray(_ bytes: String.UTF8View) -> [String]? {
        var strings: [String] = []
        var index = bytes.startIndex
        func next() -> UInt8? {
            guard index < bytes.endIndex else { return nil }
            defer { index = bytes.index(after: index) }
            return bytes[index]
        }
        guard next() == UInt8(ascii: "[") else { return nil }
        var byte = next()
        if byte == UInt8(ascii: "]") { return next() == nil ? strings : nil }
        while byte == UInt8(ascii: "\"") {
            var string: [UInt8] = []
            while true {
                guard let character = next() else { return nil }
                if character == UInt8(ascii: "\"") { break }
                if character < 0x20 { return nil }
                if character == UInt8(ascii: "\\") {
                    guard let escaped = next(), escaped == UInt8(ascii: "/") || escaped == UInt8(ascii: "\"") || escaped == UInt8(ascii: "\\") else { return nil }
                    string.append(escaped)
                } else {
                    string.append(character)
                }
            }
            guard let valid = String(validating: string, as: UTF8.self) else { return nil }
            strings.append(valid)
            switch next() {
            case UInt8(ascii: ","): byte = next()
            case UInt8(ascii: "]"): return next() == nil ? strings : nil
            default: return nil
            }
        }
        return nil
    }

    static func jsonText(_ strings: [String]) throws -> String { String(decoding: try JSONEncoder().encode(strings), as: UTF8.self) }
}
