import Foundation
import Logging

/// One event, ready to be written in either log format: the handler's metadata overlaid with the call's.
struct LogLine {
    let timestamp: String
    let level: Logger.Level
    let label: String
    let message: String
    /// Sorted by key, so the same event always reads the same.
    let metadata: [(key: String, value: String)]

    init(event: LogEvent, label: String, handlerMetadata: Logger.Metadata, now: Date = Date()) {
        timestamp = now.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        level = event.level
        self.label = label
        message = event.message.description
        metadata = handlerMetadata.merging(event.metadata ?? [:]) { $1 }.map { ($0.key, $0.value.description) }.sorted { $0.key < $1.key }
    }

    /// For people: time, level, label, message, then `key=value` pairs. A value carrying a space, quote,
    /// `=` or line break is quoted with its escapes, and a message's line breaks are escaped, so hostile
    /// input (a tool name, a header) can neither forge a line nor blur where a value ends.
    var text: Data {
        var text = "\(timestamp) \(level.rawValue) \(label): "
        text += message.contains(where: \.isNewline) ? String(String(reflecting: message).dropFirst().dropLast()) : message
        for (key, value) in metadata { text += " \(Self.quotedIfNeeded(key))=\(Self.quotedIfNeeded(value))" }
        return Data((text + "\n").utf8)
    }

    /// For log shippers: one JSON object, every metadata value a string.
    var json: Data? {
        var object = Dictionary(metadata, uniquingKeysWith: { $1 })
        object["ts"] = timestamp
        object["level"] = level.rawValue
        object["label"] = label
        object["msg"] = message
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        data.append(0x0A)
        return data
    }

    private static func quotedIfNeeded(_ text: String) -> String {
        let bare = !text.isEmpty && !text.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\t" || $0.isNewline }
        return bare ? text : String(reflecting: text)
    }
}
