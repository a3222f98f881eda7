/// One server-sent event and the text/event-stream format, both ways (WHATWG HTML § Server-sent events,
/// § 9.2.6 Interpreting an event stream). Only what Gatehouse uses: `id`, `event`, one-line `data`, and comments.
public struct ServerSentEvent: Sendable, Equatable {
    /// The `event` field; "message" when the stream names none.
    public var type: String
    public var data: String
    /// The `id` field, when the event set one: what a reader sends back as `Last-Event-ID`.
    public var id: String?

    public init(type: String = "message", data: String, id: String? = nil) {
        self.type = type
        self.data = data
        self.id = id
    }

    /// The event as the stream carries it. Fields cannot hold a line break, so `data` is sent as given only when
    /// it has none (JSON from an encoder never does); a value with one would end the field early.
    public var encoded: String {
        precondition(!(data + type + (id ?? "")).unicodeScalars.contains { $0 == "\n" || $0 == "\r" }, "an event field cannot hold a line break")
        return (id.map { "id: \($0)\n" } ?? "") + (type == "message" ? "" : "event: \(type)\n") + "data: \(data)\n\n"
    }

    /// A comment line: readers ignore it, but it keeps idle connections (and the proxies on the way) open.
    public static func comment(_ text: String) -> String { ": \(text)\n\n" }

    /// Reads events from a stream's bytes as they arrive, line by line (LF, CRLF or CR), refusing any line
    /// longer than `maximumLineBytes` so a hostile or broken stream cannot grow memory without bound.
    public struct Parser: Sendable {
        public struct LineTooLong: Error, CustomStringConvertible {
            public var description: String { "an event-stream line is longer than the limit" }
        }

        let maximumLineBytes: Int
        private var line: [UInt8] = []
        private var lastWasCR = false
        private var type = ""
        private var data: [String] = []
        /// The specification's "last event ID buffer": set by an `id` field, kept across events.
        public private(set) var lastEventID: String?

        public init(maximumLineBytes: Int = 64 * 1024) { self.maximumLineBytes = maximumLineBytes }

        /// Feeds bytes; returns the events they complete, in order.
        public mutating func feed(_ bytes: some Sequence<UInt8>) throws(LineTooLong) -> [ServerSentEvent] {
            var events: [ServerSentEvent] = []
            for byte in bytes {
                if byte == UInt8(ascii: "\n"), lastWasCR {
                    lastWasCR = false
                    continue
                }
                lastWasCR = byte == UInt8(ascii: "\r")
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    if let event = take(String(decoding: line, as: UTF8.self)) { events.append(event) }
                    line.removeAll(keepingCapacity: true)
                } else {
                    guard line.count < maximumLineBytes else { throw LineTooLong() }
                    line.append(byte)
                }
            }
            return events
        }

        /// One line: a blank line dispatches the event gathered so far; `:` starts a comment.
        private mutating func take(_ line: String) -> ServerSentEvent? {
            if line.isEmpty {
                defer { (type, data) = ("", []) }
                guard !data.isEmpty else { return nil }
                return ServerSentEvent(type: type.isEmpty ? "message" : type, data: data.joined(separator: "\n"), id: lastEventID)
            }
            if line.hasPrefix(":") { return nil }
            let (field, value): (Substring, Substring)
            if let colon = line.firstIndex(of: ":") {
                field = line[..<colon]
                let rest = line[line.index(after: colon)...]
                value = rest.hasPrefix(" ") ? rest.dropFirst() : rest
            } else {
                (field, value) = (line[...], "")
            }
            switch field {
            case "event": type = String(value)
            case "data": data.append(String(value))
            case "id" where !value.contains("\0"): lastEventID = String(value)
            default: break  // `retry` and unknown fields are ignored
            }
            return nil
        }
    }
}
