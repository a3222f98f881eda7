/// Asks the signed-in person whether a client may act for them (MCP authorization spec (2025-11-25) § Localhost
/// Redirect URI Risks: the redirect host and the verified client host are shown, and a loopback redirect is warned
/// about). A device's request (RFC 8628) gets the same page with a warning in place of the redirect: approving lets a
/// device elsewhere act as the person (§5.4). The form POSTs to /consent with hidden `request` and `csrf_token` and a
/// button `decision` = `allow` or `deny`.
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

    public init(
        clientName: String, clientHost: String?, isFirstParty: Bool = false, redirectHost: String?, isNativeAppRedirect: Bool, scopes: [Scope],
        email: String, requestID: String, csrfToken: String
    ) {
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
