import Foundation

/// The messages in a `text/event-stream` answer (HTML § Server-sent events, as MCP's Streamable HTTP uses it):
/// each event's `data:` lines joined with newlines; `event:`, `id:`, `retry:` and comments are not needed here.
enum EventStream {
    static func messages(in body: Data) -> [Data] {
        var messages: [Data] = []
        var data: [Data] = []
        func dispatch() {
            if !data.isEmpty { messages.append(Data(data.joined(separator: [0x0A]))) }
            data = []
        }
        // Split as bytes: a String would take CRLF for one character.
        for rawLine in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.isEmpty {
                dispatch()
            } else if line.starts(with: Array("data:".utf8)) {
                let value = line.dropFirst(5)
                data.append(Data(value.first == 0x20 ? value.dropFirst() : value))
            }
        }
        dispatch()
        return messages
    }

    /// The JSON-RPC messages of an answer, whichever media type it came as.
    static func jsonRPCMessages(of reply: HTTPExchange.Reply) -> [Data] {
        if reply.mediaType == "text/event-stream" { return messages(in: reply.body) }
        return reply.body.isEmpty ? [] : [reply.body]
    }
}
