import Foundation

/// The auth-server's revocation log as a stream of server-sent events (docs/architecture.md § How the servers talk),
/// which each resource-server follows. Both servers read and write exactly this.
///
/// - `event: revocation`, `id:` the event's `seq`, `data:` `{"kind", "subject", "at"}`, oldest first.
/// - `event: reset`, `id: 0`: the position the reader asked for (`Last-Event-ID`) is older than the log keeps, or
///   one the log never reached (it was renumbered). The reader must forget everything it cached from the stream;
///   the whole retained log follows.
/// - A comment every `keepAliveSeconds`, so a quiet stream is not cut by a proxy and a reader can tell it is alive.
public enum RevocationStream {
    public static let path = "/internal/revocations"
    public static let revocationType = "revocation"
    public static let resetType = "reset"
    public static let keepAliveSeconds = 15

    /// What a reader makes of one event of the stream.
    public enum Message: Sendable, Equatable {
        case revocation(RevocationEvent)
        case reset
    }

    /// The wire form of `data`: the event without its `seq`, which travels as the id.
    struct Payload: Codable {
        var kind: String
        var subject: String
        var at: Int64
    }

    public static func encode(_ event: RevocationEvent) throws -> String {
        let payload = Payload(kind: event.kind.rawValue, subject: event.subject, at: event.at)
        let data = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        return ServerSentEvent(type: revocationType, data: data, id: String(event.seq)).encoded
    }

    public static let reset = ServerSentEvent(type: resetType, data: "{}", id: "0").encoded

    public struct UnreadableEvent: Error, CustomStringConvertible {
        public let description: String
    }

    /// The message an event carries; nil for a type this reader does not know (a newer server may send more),
    /// or a revocation of a kind it does not know.
    public static func decode(_ event: ServerSentEvent) throws(UnreadableEvent) -> Message? {
        switch event.type {
        case resetType: return .reset
        case revocationType:
            guard let seq = event.id.flatMap(Int64.init), seq > 0 else { throw UnreadableEvent(description: "a revocation without a positive id") }
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(event.data.utf8)) else {
                throw UnreadableEvent(description: "a revocation whose data is not {kind, subject, at}")
            }
            guard let kind = RevocationEvent.Kind(rawValue: payload.kind) else { return nil }
            return .revocation(RevocationEvent(seq: seq, kind: kind, subject: payload.subject, at: payload.at))
        default: return nil
        }
    }
}
