import Foundation

/// How the stores keep lists in one column, the same on both engines: scopes and hashes space-separated (RFC 6749
/// §3.3 forbids spaces in a scope token; base64url has none), URIs and grant types as JSON arrays.
enum RowLists {
    static func words(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    static func text(_ words: [String]) -> String { words.joined(separator: " ") }

    /// One decoder for every read, not one per call: a client read decodes two lists.
    private static let decoder = JSONDecoder()

    static func jsonArray(_ text: String) throws -> [String] { try decoder.decode([String].self, from: Data(text.utf8)) }

    static func jsonText(_ strings: [String]) throws -> String { String(decoding: try JSONEncoder().encode(strings), as: UTF8.self) }
}
