import Foundation
import Shared

/// The limits of client authentication at the token and revocation endpoints, each with its reason, kept
/// beside the code they govern.
public enum ClientAuthenticationPolicy {
    /// A client assertion is a few hundred bytes (ChatGPT's RS256 assertion is under 1 KB); 8 KB leaves
    /// room for long client ids and extra claims while keeping hostile input from reaching the parser.
    public static let maximumAssertionBytes = 8 * 1024

    /// Clock difference allowed between a client and us, the same as for our own access tokens.
    public static let clockLeewaySeconds: Int64 = AccessTokenVerifier.leewaySeconds

    /// An assertion is made for one request and sent at once (RFC 7523 §3 item 4: "limit the time window");
    /// five minutes tolerates slow clients, and bounds how long its `jti` must be remembered.
    public static let maximumAssertionLifetimeSeconds: Int64 = 300

    /// A `jti` is a random id, 16 to 36 characters in practice; the cap bounds what the replay store holds.
    public static let maximumTokenIDLength = 256

    /// `jti` values remembered at once, all clients together (about 100 bytes each, so at most ~100 MB, reached
    /// only if many clients each flood at their own limit). Only assertions that passed every other check are
    /// recorded, so only a client's own key can add to it; a full store refuses rather than forgets.
    public static let replayStoreCapacity = 1_000_000

    /// Live `jti` values one client may hold: what its token-endpoint allowance can produce in the longest time
    /// an assertion stays usable, twice over for the burst a fixed-window limit allows at a window's edge. A
    /// client within its allowance never meets this cap; a client over it is refused on its own.
    public static func replayEntriesPerClient(tokenRequestsPerMinute: Int) -> Int {
        let usable = maximumAssertionLifetimeSeconds + clockLeewaySeconds
        return 2 * Int((Int64(tokenRequestsPerMinute) * usable + 59) / 60)
    }

    /// A fetched `jwks_uri` is trusted this long: client keys rotate rarely, and a withdrawn key stops
    /// working within ten minutes.
    public static let jwksMaximumAgeSeconds: TimeInterval = 600

    /// An unknown `kid` refetches a `jwks_uri` at most this often (a new kid means the client rotated, OIDC Core
    /// §10.1.1), so forged kids cannot turn our token endpoint into a flood of requests to the client's host.
    public static let jwksRefetchIntervalSeconds: TimeInterval = 30

    /// After a failed fetch the next may be tried this soon: long enough not to hammer a host that is down,
    /// short enough that a passing failure does not lock a client out for long.
    public static let jwksRetryAfterFailureSeconds: TimeInterval = 5

    /// Distinct `jwks_uri`s cached at once; the least recently fetched is dropped beyond it.
    public static let jwksCacheCapacity = 1000

    /// NIST SP 800-131A: RSA keys under 2048 bits are not acceptable for signatures.
    public static let minimumRSAKeyBits = 2048

    /// 256 bits of CSPRNG output per client secret: beyond guessing, so a fast hash suffices for storage.
    public static let clientSecretRandomBytes = 32
}
