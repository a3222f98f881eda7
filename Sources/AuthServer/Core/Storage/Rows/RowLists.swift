import Foundation
import Shared

/// How the stores keep lists in one column, the same on both engines: scopes and hashes space-separated (RFC 6749
/// §3.3 forbids spaces in a scope token; base64url has none), URIs and grant types as JSON arrays.
enum RowLists {
    static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    static func text(_ words: [String]) -> String { words.joined(separator: " ") }

    /// Every token, introspection and revocation request reads its client and so two of these lists: read by
    /// `JSONValue`'s reader, where `JSONDecoder` was 2-4% of the request.
    static func jsonArray(_ text: String) throws -> [String] {
        guard case .array(let items) = try JSONValue.parse(text) else { throw AuthStorageError.corruptRow("a list column") }
        return try items.map { item in
            guard let string = item.stringValue else { throw AuthStorageError.corruptRow("a list column") }
            return string
        }
    }

    static func jsonText(_ strings: [String]) throws -> String { String(decoding: try JSONEncoder().encode(strings), as: UTF8.self) }
}
