import Foundation

/// The auth-server's revocation feed (docs/tokens.md § Grants and revocation): every grant ended, in order, so each
/// resource-server instance stops accepting the grant's access tokens within a poll interval instead
/// of when they expire. Both servers read and write exactly this shape.
public struct RevocationFeedPage: Codable, Sendable, Equatable {
    public struct Event: Codable, Sendable, Equatable {
        /// Increasing position in the feed; a reader asks for what comes after the last one it saw.
        public var seq: Int64
        /// The ended grant: the `sid` of its access tokens.
        public var grant: String

        public init(seq: Int64, grant: String) {
            self.seq = seq
            self.grant = grant
        }
    }

    public var events: [Event]
    /// Where the next poll starts: the last event's `seq`, or the `after` that was asked for.
    public var next: Int64
    /// The reader asked for a position this tenant's log never reached (the log was renumbered): the page
    /// starts over from the oldest event kept, and the reader must take `next` as its new position.
    public var restart: Bool

    public init(events: [Event], next: Int64, restart: Bool = false) {
        self.events = events
        self.next = next
        self.restart = restart
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        events = try container.decode([Event].self, forKey: .events)
        next = try container.decode(Int64.self, forKey: .next)
        restart = try container.decodeIfPresent(Bool.self, forKey: .restart) ?? false
    }

    /// The feed's path on the auth-server.
    public static let path = "/internal/revocations"

    /// Events are kept as long as an access token of the grant could still be valid: its longest life
    /// plus the verifier's leeway. A reader that starts fresh learns every grant that still matters.
    public static let retention: TimeInterval = 3600 + TimeInterval(AccessTokenVerifier.leewaySeconds)

    /// How many events one page carries at most.
    public static let pageSize = 500
}
