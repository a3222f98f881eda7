import Foundation
import Shared

/// Every policy default of the auth-server in one place, each with its reason.
public enum AuthPolicy {
    /// Access tokens live at most an hour: long enough that connectors which refresh late (docs/clients.md
    /// § Claude) keep working, short enough that revocation by grant (checked by the resource-server) and key
    /// rotation catch up quickly.
    public static let accessTokenMaxLifetime: Int64 = 3600

    /// A retired signing key stays in the JWKS until every token it signed has expired, plus the verifier's
    /// clock leeway, so rotation never breaks a token in flight.
    public static let retiredKeyPublication: Int64 = accessTokenMaxLifetime + AccessTokenVerifier.leewaySeconds

    /// A rotated-in key is published this long before it signs. Resource-servers refetch the JWKS on an
    /// unknown kid at most every 30 s, so by the time a token carries the new kid, every one can find it.
    public static let signingKeyActivationDelay: TimeInterval = 60
    /// How long a server signs from the keys it last read: a rotation by another process is seen within this,
    /// long before the new key's activation delay is over.
    public static let signingKeyCacheSeconds: TimeInterval = 10
    /// How often a running server re-reads its tenants: a tenant added or disabled by `admin tenant` (on any
    /// machine) is answered for, or no longer, within this; the read is one small query.
    public static let tenantRosterRefreshSeconds = 5

    /// OWASP's minimum argon2id parameters (m = 19 MiB, t = 2, p = 1): about 50 ms per hash here.
    public static let argon2MemoryKiB: UInt32 = 19_456
    public static let argon2Iterations: UInt32 = 2
    public static let argon2Parallelism: UInt32 = 1

    /// Company users may connect apps unless the tenant says otherwise: turning it on for a tenant that
    /// relied on it would be a surprise, turning it off is one command (`admin tenant set`).
    public static let companyUsersMayConnect = true
    /// Today's behaviour stays the default, so an upgrade breaks no connected app; `approved` is one command away.
    public static let appPolicy = AppPolicy.open

    /// The client id stamped on tokens minted by `auth-server admin token issue`.
    public static let adminCLIClientID = "gatehouse-admin-cli"

    /// RFC 6749 §4.1.2 recommends at most ten minutes; a minute is plenty for a client already waiting
    /// on its redirect, and shortens what a leaked code is worth.
    public static let authorizationCodeLifetime: TimeInterval = 60

    /// Refresh tokens slide: each rotation gets a fresh 30 days, so a connector used monthly stays
    /// connected and an abandoned one ages out (docs/tokens.md § Refresh tokens).
    public static let refreshTokenLifetime: TimeInterval = 30 * 24 * 3600

    /// How long the consent page may stay open before the request must start again.
    public static let consentRequestLifetime: TimeInterval = 10 * 60

    /// Token, revocation and registration requests are small; anything larger is refused unread.
    public static let formBodyLimit = 64 * 1024
    public static let registrationBodyLimit = 16 * 1024

    /// Registrations that create a client, per client address and hour (`GATEHOUSE_REGISTRATIONS_PER_HOUR`).
    /// Registration is open to anyone (RFC 7591 §3), and hosted connectors register from a handful of their own
    /// addresses: a Monday morning of an MSP's staff connecting ChatGPT is hundreds an hour from one of them.
    /// Folded re-registrations are free, and unused clients are reaped, so the limit only has to stop a script
    /// from filling the table quickly.
    public static let registrationsPerAddressPerHour = 600

    /// MFA elevation (the window itself is `GATEHOUSE_ELEVATION_SECONDS`, shared with the resource-server).
    public enum Elevation {
        /// An elevated access token shorter-lived than this is not issued; the client gets one without `mfa`
        /// and asks again. A minute leaves time for the call the elevation was for.
        public static let shortestToken: Int64 = 60
    }

    /// The endpoints clients call with their credentials: token, revocation, introspection.
    public enum TokenEndpoint {
        /// Requests per minute allowed per client address and, once authenticated, per client
        /// (`GATEHOUSE_TOKEN_REQUESTS_PER_MINUTE`). One hosted connector (ChatGPT's shared client) refreshes for
        /// every person of the MSP from a handful of addresses: a thousand people refreshing hourly is under 20 a
        /// minute, so 1,200 leaves ample room, while a flood from one address or one client of an attacker's
        /// own, which would otherwise fill the assertion replay store, is cut off within a minute.
        public static let requestsPerMinute = 1200
    }

    /// Personal access tokens: a script's long-lived access as one person (docs/tokens.md § Personal access tokens).
    public enum PersonalAccessTokens {
        /// The grants of personal access tokens belong to this built-in client, so they show in connected apps.
        public static let clientID = "gatehouse-personal-access-tokens"
        /// A year: a token never lives forever, and a yearly regeneration keeps label, scopes and restriction.
        /// `GATEHOUSE_PAT_MAX_DAYS` sets the tenant's own limit (1 to 3,650 days).
        public static let defaultMaxDays = 365
        /// The lifetimes the page offers besides a date of the person's choosing.
        public static let offeredDays = [30, 90, 365]
        /// "Last used" is written at most this often per token: a script calling every second must not turn
        /// every call into a database write.
        public static let lastUsedGranularity: TimeInterval = 60
        /// Room for "backup-report cron on sd-util-02" and then some, without letting a label fill a page.
        public static let maxLabelLength = 100
        /// A company restriction is a resource-server customer id: short, and printable.
        public static let maxCompanyLength = 64
    }

    /// The device authorization grant (RFC 8628): a command line signs in while the person approves on their phone.
    public enum DeviceFlow {
        /// Ten minutes (`expires_in`, RFC 8628 §3.2) to pick up a phone, sign in, enter a second factor and approve;
        /// after that the device starts again, so a user code can be guessed only while it is this young.
        public static let lifetime: TimeInterval = 10 * 60
        /// RFC 8628 §3.2's default `interval`: the device sees an approval within seconds, and a waiting device
        /// costs twelve requests a minute.
        public static let pollingInterval = 5
        /// What `slow_down` adds to that device's interval, for good (RFC 8628 §3.5).
        public static let slowDownIncrement = 5
        /// A poll this much early still counts as on time: a device that waits its interval is never told to slow
        /// down for its timer's jitter or the store's millisecond timestamps.
        public static let pollingTolerance: TimeInterval = 0.5
        /// User codes are typed on a phone from another screen: 8 letters from RFC 8628 §6.1's 20 consonants,
        /// with no vowels (no words) and no digits (no 0/O or 1/I to confuse), shown as XXXX-XXXX. 20^8 is about
        /// 2.6 × 10^10 codes; with wrong entries throttled per person and per address (`SignInThrottle`), guessing
        /// a live one within its ten minutes is hopeless (§5.1).
        public static let userCodeAlphabet = Array("BCDFGHJKLMNPQRSTVWXZ")
        public static let userCodeLength = 8
        /// A fresh code that collides with a live one is drawn again; this many collisions in a row means
        /// something is wrong with the random source, not bad luck.
        public static let userCodeDraws = 5
    }

    /// Dynamically registered clients nobody has used for this long are deleted with their grants, so open
    /// registration cannot fill the database.
    public static let unusedClientLifetime: TimeInterval = 30 * 24 * 3600
    /// A client's "last used" is written at most this often: reaping counts in days, and a write per token request
    /// would cost a disk sync each.
    public static let clientUseGranularity: TimeInterval = 3600

    /// `prompt=login` is satisfied by a sign-in this recent; older ones send the person to sign in again.
    public static let freshSignIn: TimeInterval = 5 * 60

    /// Room for any real app name ("Claude Code (my-server)") without letting a registration fill a page.
    public static let maxClientNameLength = 200

    /// Browser sessions of the server-rendered pages (docs/security.md § Browser pages).
    public enum Sessions {
        /// A session ends 12 h after sign-in whatever happens: a working day, after which a stolen cookie is worthless.
        public static let absoluteLifetime: TimeInterval = 12 * 3600
        /// A session left alone for 2 h ends: a shared computer left signed in does not stay open all day.
        public static let idleTimeout: TimeInterval = 2 * 3600
        /// Last-seen is written at most once a minute, so page views do not each cost a database write.
        public static let lastSeenGranularity: TimeInterval = 60
        /// The sign-in cookie (CSRF binding of the sign-in form, and the key of a half-done sign-in) lives an hour:
        /// long enough for a person to find their password, short enough not to linger.
        public static let signInCookieLifetime: TimeInterval = 3600
        /// Between a right password and the second factor: 5 minutes, enough to open an authenticator app.
        public static let pendingSignInLifetime: TimeInterval = 5 * 60
    }

    /// Slowing down password guessing (sign-in, second factor, change of password). Failures are counted per
    /// account and per client address within a window; past the free failures each one waits twice as long as the
    /// one before, up to a cap, and past the lockout count the answer is 429 until the window has moved on.
    public enum SignInThrottle {
        /// A quarter of an hour: long enough to make guessing slow, short enough that a locked-out person waits little.
        public static let window: TimeInterval = 15 * 60
        /// Five tries cover typos and a forgotten caps lock; guessing needs thousands.
        public static let freeFailuresPerAccount = 5
        /// Ten answers per quarter hour and account in all: with the delays, a few dozen guesses an hour at most.
        /// The same counts hold for the device codes a signed-in person enters at /device, counted apart from
        /// their password, so mistyped device codes never lock them out of signing in.
        public static let lockoutFailuresPerAccount = 10
        /// An address may be a whole office behind one NAT, so it gets more room than one account, and is never
        /// locked out: past its free failures its attempts are spaced out instead.
        public static let freeFailuresPerAddress = 20
        /// A spaced-out address is told to come back rather than queued past this: a person behind it waits no
        /// longer than this, and a flood cannot pile up waiting requests.
        public static let maximumAddressWait: Duration = .seconds(30)
        /// The first slowed answer waits a second, each next one twice as long, never more than 8 s: enough to make
        /// scripts crawl, little enough for a person.
        public static let firstDelay: Duration = .seconds(1)
        public static let maximumDelay: Duration = .seconds(8)
        /// Past this many tracked keys the oldest are forgotten, so a flood of addresses cannot exhaust memory.
        public static let maximumTrackedKeys = 100_000
    }

    /// Rules for passwords people choose (NIST SP 800-63B §3.1.1.2: length, no composition rules).
    public enum Passwords {
        /// At least 8 characters, as `auth-server admin user add` asks.
        public static let minimumLength = 8
        /// At most 1024 characters: argon2id takes any length, but a megabyte password is an attack, not a secret.
        public static let maximumLength = 1024
    }

    /// The server-rendered pages.
    public enum Pages {
        /// Every page form fits in 16 KiB (the longest field is an authorize URL in return_to); more is refused
        /// before it is read.
        public static let maximumFormBytes = 16 * 1024
        /// The longest return_to kept: an authorize request with a long CIMD client id and scopes fits.
        public static let maximumReturnPathLength = 4096
        /// The longest email address (RFC 5321 §4.5.3.1: 64 + 1 + 255).
        public static let maximumEmailLength = 320
        /// The longest second-factor code: a recovery code with its dashes (19 characters), and a little room.
        public static let maximumCodeLength = 24
        /// The stylesheet is cached an hour: a new release's style shows up within one.
        public static let stylesheetMaxAge = 3600
    }

    /// Client ID Metadata Documents and every other fetch of a URL a client names (its `jwks_uri`).
    /// Each such fetch is made on behalf of whoever typed the URL, so it is small, quick and never retried.
    public enum MetadataDocuments {
        /// The CIMD draft's recommended ceiling (§ Maximum Response Size); real documents are under 1 KB.
        public static let maxDocumentBytes = 5 * 1024
        /// A JWKS with a handful of RSA keys during a rotation is a few KB; 64 KB leaves room and no more.
        public static let maxJWKSBytes = 64 * 1024
        /// A host that cannot complete a TCP (and TLS) handshake in 3 s will not serve a sign-in page well either.
        public static let connectTimeout: Duration = .seconds(3)
        /// The whole fetch (name resolution, connection, headers and body) ends by then, so a server that
        /// trickles bytes cannot hold an /authorize request open.
        public static let totalTimeout: Duration = .seconds(5)
        /// Cache bounds (CIMD draft § Metadata Caching): at least a minute, so `max-age=0` cannot turn every sign-in into a
        /// fetch; at most a day, so a client's changed redirect URIs are seen the next day at the latest.
        public static let minimumCacheSeconds: Double = 60
        public static let maximumCacheSeconds: Double = 24 * 3600
        /// Used when the response names no lifetime: long enough for one sign-in and its token exchange.
        public static let defaultCacheSeconds: Double = 5 * 60
        /// Anyone can make us fetch a URL of their choosing, so the cache is bounded too.
        public static let maxCachedDocuments = 1000
        /// Longer client ids are refused before any parsing; real ones are well under 200 characters.
        public static let maxClientIDLength = 2048
        /// Fetches of documents that are neither pinned nor cached one address may cause per hour (anyone
        /// can make us fetch by sending a client_id). A person connecting an app costs one; 120 covers an office
        /// behind one NAT connecting at once, while a script gets two URLs a minute out of us. Behind a reverse
        /// proxy every request shares the proxy's address, which this still leaves room for.
        public static let fetchesPerAddressPerHour = 120
    }
}
