import Shared

/// Asks the signed-in person whether a client may act for them (MCP authorization spec (2025-11-25) § Localhost
/// Redirect URI Risks: the redirect host and the verified client host are shown, and a loopback redirect is warned
/// about). A device's request (RFC 8628) gets the same page with a warning in place of the redirect: approving lets a
/// device elsewhere act as the person (§5.4). The form POSTs to /consent with hidden `request` and `csrf_token` and a
/// button `decision` = `allow` or `deny`; when the app asks for high-trust actions, a `code` field too (one-time-code,
/// numeric keypad), for a code entered for this request.
public struct ConsentPage: Page {
    public static let template = PageTemplate.consent

    /// One requested scope: its name, what it lets the client do in plain words, and the tools it opens.
    public struct Scope: Sendable, Equatable {
        public var name: String
        public var description: String
        public var tools: [Tool]

        public init(name: String, description: String, tools: [Tool] = []) {
            self.name = name
            self.description = description
            self.tools = tools
        }
    }

    /// A tool of the resource-server that the scope opens; high-trust ones still ask for a second factor.
    public struct Tool: Sendable, Equatable {
        public var name: String
        public var needsSecondFactor: Bool

        public init(name: String, needsSecondFactor: Bool) {
            self.name = name
            self.needsSecondFactor = needsSecondFactor
        }
    }

    public var clientName: String
    /// The host of a CIMD client id, which the metadata document was fetched from; nil shows "unverified", unless
    /// the client is Gatehouse's own.
    public var clientHost: String?
    /// One of the clients Gatehouse brings itself (the command line): the operator vouches for it.
    public var isFirstParty: Bool
    /// Where the answer goes: a redirect's host, or nil for a device, which polls for it instead.
    public var redirectHost: String?
    /// The redirect goes to a program on this computer (a loopback port or a private-use scheme): any
    /// program on it could be the client (RFC 8252 §8.6).
    public var isNativeAppRedirect: Bool
    public var scopes: [Scope]
    /// Who is signed in, so a person on a shared computer sees whose account they are about to share.
    public var email: String
    /// The opaque id of the pending authorization request (form field `request`).
    public var requestID: String
    public var csrfToken: String
    /// A code must be entered for this request (it asks for `mfa`, or for the MFA class in `acr_values`).
    public var asksForCode: Bool
    /// Set when the request asks for `mfa`: the page says for how long and which tools.
    public var elevation: Elevation?
    /// Why the last answer was not taken (a wrong code).
    public var problem: String?
    /// How long a second factor counts for high-trust tools ("15 minutes"), for the tools list's note.
    public var elevationWindow: String

    /// What the page says of a request for high-trust actions: for how long, and which tools the person may use.
    public struct Elevation: Sendable, Equatable {
        /// "15 minutes".
        public var window: String
        public var tools: [String]

        public init(window: String, tools: [String]) {
            self.window = window
            self.tools = tools
        }
    }

    public init(
        clientName: String, clientHost: String?, isFirstParty: Bool = false, redirectHost: String?, isNativeAppRedirect: Bool, scopes: [Scope],
        email: String, requestID: String, csrfToken: String, asksForCode: Bool = false, elevation: Elevation? = nil, problem: String? = nil,
        elevationWindow: String = Shared.Elevation.describe(windowSeconds: Shared.Elevation.defaultWindowSeconds)
    ) {
        self.asksForCode = asksForCode
        self.elevation = elevation
        self.problem = problem
        self.elevationWindow = elevationWindow
        self.clientName = clientName
        self.clientHost = clientHost
        self.isFirstParty = isFirstParty
        self.redirectHost = redirectHost
        self.isNativeAppRedirect = isNativeAppRedirect
        self.scopes = scopes
        self.email = email
        self.requestID = requestID
        self.csrfToken = csrfToken
    }
}
