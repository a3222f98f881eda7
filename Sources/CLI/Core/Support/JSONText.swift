import Foundation

/// JSON as the command line reads and writes it: Foundation's parser, so any value a server sends round-trips,
/// and output with sorted keys and unescaped slashes, so it is stable for scripts and readable for people.
enum JSONText {
    static func parse(_ data: Data) -> Any? { try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }

    static func object(_ data: Data) -> [String: Any]? { parse(data) as? [String: Any] }

    static func data(_ value: Any, pretty: Bool = false) -> Data {
        var options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]
        if pretty { options.insert(.prettyPrinted) }
        return (try? JSONSerialization.data(withJSONObject: value, options: options)) ?? Data("null".utf8)
    }

    static func string(_ value: Any, pretty: Bool = false) -> String { String(decoding: data(value, pretty: pretty), as: UTF8.self) }
}
