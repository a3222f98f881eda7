import Foundation

/// One entry of a tenant's revocation log (docs/tokens.md § Grants and revocation): something ended, from `at` on,
/// for every token issued at or before it. Both servers read and write exactly this shape; the stream carries
/// `seq` as the event's id and the rest as its data.
public struct RevocationEvent: Codable, Sendable, Equatable {
    /// What ended. The raw values are the log's `kind` column and the stream's wire names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// A grant (`subject` = its id, the `sid` of its access tokens; a personal access token is a grant too).
        case grant
        /// A person, disabled (`subject` = user id, the tokens' `sub`).
        case user
        /// A client, deleted (`subject` = its `client_id`).
        case client
        /// A person's elevation, when their second factor was turned off or reset (`subject` = user id): their
        /// tokens keep working without the second factors entered before it.
        case elevation
        /// Nothing ended, but what was said about a grant changed (`subject` = grant id; a personal access token
        /// was elevated): readers drop what they cached about it and ask again.
        case changed
    }

    /// Position in the tenant's log, increasing by one per event; a reader resumes after the last it saw.
    public var seq: Int64
    public var kind: Kind
    public var subject: String
    /// When it ended, in seconds since 1970: tokens whose `iat` is at or before it are affected.
    public var at: Int64

    public init(seq: Int64, kind: Kind, subject: String, at: Int64) {
        self.seq = seq
        self.kind = kind
        self.subject = subject
        self.at = at
    }

    /// Events are kept as long as a token issued before them could still be valid: an access token's
    /// longest life plus the verifier's leeway. A reader that starts fresh learns everything that still matters.
    public static let retention: TimeInterval = 3600 + TimeInterval(AccessTokenVerifier.leewaySeconds)
}
