import Foundation
import Shared

/// A client as its Client ID Metadata Document describes it (CIMD draft § Client Metadata Document,
/// members from RFC 7591 §2). Read tolerantly: members we do not use are ignored, and the
/// `token_endpoint_auth_methods_supported` list ChatGPT puts in its document is read as a choice offered
/// to us when the document names no method. Checked strictly: a
/// document that could make us trust the wrong party or the wrong place is refused whole.
public struct ClientMetadataDocument: Sendable, Equatable {
    /// The token endpoint methods a metadata document may use: it is public, so it cannot hold a
    /// shared secret (CIMD § Client Authentication).
    public enum AuthenticationMethod: String, Sendable {
        case none
        case privateKeyJWT = "private_key_jwt"
    }

    /// The document's URL, equal to the client_id the client sends.
    public let clientID: String
    public let clientName: String
    /// Absolute, without fragment; http only to loopback hosts (RFC 8252 §7.3).
    public let redirectURIs: [String]
    /// When the document names no method: our pick from the methods it lists (`chosenMethod`), else `none`,
    /// since RFC 7591's default, `client_secret_basic`, needs a secret that a public document cannot carry.
    public let tokenEndpointAuthMethod: AuthenticationMethod
    /// `token_endpoint_auth_signing_alg`, when the document names one (ChatGPT: RS256).
    public let tokenEndpointAuthSigningAlgorithm: String?
    /// Where the client's keys for `private_key_jwt` are; never set together with `jwks`.
    public let jwksURI: URL?
    /// The inline JWKS (`{"keys": [...]}`), re-serialised, for the assertion verifier to parse.
    public let jwks: Data?
    /// Cosmetic links, kept only when they are absolute https URLs and dropped silently otherwise.
    public let logoURI: String?
    public let clientURI: String?
    /// RFC 7591 §2's default when absent: `authorization_code`.
    public let grantTypes: [String]
    public let scope: String?

    /// Parses and checks a document. `clientID` is the URL it was fetched for; a pinned copy passes nil,
    /// as it names its own URL. `allowLoopbackHTTP` (GATEHOUSE_CIMD_ALLOW_LOOPBACK) also accepts an http
    /// `jwks_uri` on a loopback host.
    public init(json: Data, clientID expected: String?, allowLoopbackHTTP: Bool) throws(Problem) {
        guard let object = try? JSONSerialization.jsonObject(with: json), let members = object as? [String: Any] else {
            throw .notJSONObject
        }
        let clientID = try Self.string("client_id", in: members)
        guard let clientID, !clientID.isEmpty else { throw .missing("client_id") }
        if let expected, clientID != expected { throw .clientIDMismatch(found: clientID) }
        if let secret = members.keys.sorted().first(where: { $0.hasPrefix("client_secret") }) { throw .clientSecretMember(secret) }

        let clientName = try Self.string("client_name", in: members)?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let clientName, !clientName.isEmpty else { throw .missing("client_name") }

        let redirectURIs = try Self.strings("redirect_uris", in: members) ?? []
        guard !redirectURIs.isEmpty else { throw .missing("redirect_uris") }
        for uri in redirectURIs {
            if let reason = Self.redirectURIProblem(uri) { throw .invalidRedirectURI(uri, reason: reason) }
        }

        let jwksURI = try Self.string("jwks_uri", in: members)
        let jwks = try Self.inlineKeySet(members["jwks"])
        if jwksURI != nil, jwks != nil { throw .keysTwice }

        let method: AuthenticationMethod
        switch try Self.string("token_endpoint_auth_method", in: members) {
        case nil:
            method = try Self.chosenMethod(
                offered: try Self.strings("token_endpoint_auth_methods_supported", in: members), hasKeys: jwksURI != nil || jwks != nil)
        case let name? where name.hasPrefix("client_secret_"): throw .sharedSecretMethod(name)
        case let name?:
            guard let known = AuthenticationMethod(rawValue: name) else { throw .unsupportedAuthMethod(name) }
            method = known
        }
        if method == .privateKeyJWT, jwksURI == nil, jwks == nil { throw .keysMissing }
        var keysURL: URL?
        if let jwksURI {
            guard let url = ClientKeysURL.parse(jwksURI, allowLoopbackHTTP: allowLoopbackHTTP) else { throw .invalidJWKSURI(jwksURI) }
            keysURL = url
        }

        self.clientID = clientID
        self.clientName = clientName
        self.redirectURIs = redirectURIs
        self.tokenEndpointAuthMethod = method
        self.tokenEndpointAuthSigningAlgorithm = try Self.string("token_endpoint_auth_signing_alg", in: members)
        self.jwksURI = keysURL
        self.jwks = jwks
        self.logoURI = Self.httpsURL(members["logo_uri"])
        self.clientURI = Self.httpsURL(members["client_uri"])
        self.grantTypes = try Self.strings("grant_types", in: members) ?? ["authorization_code"]
        self.scope = try Self.string("scope", in: members)
    }

    /// A document that names no method may list those it can use (OpenID Connect RP Metadata Choices 1.0
    /// §2, as ChatGPT's does: docs/clients.md § ChatGPT), leaving the choice to us: `private_key_jwt` when listed and the document
    /// names keys, since it proves the client and ChatGPT uses it whenever we advertise it; else `none`.
    private static func chosenMethod(offered: [String]?, hasKeys: Bool) throws(Problem) -> AuthenticationMethod {
        guard let offered, !offered.isEmpty else { return .none }
        if hasKeys, offered.contains(AuthenticationMethod.privateKeyJWT.rawValue) { return .privateKeyJWT }
        if offered.contains(AuthenticationMethod.none.rawValue) { return .none }
        if offered.contains(AuthenticationMethod.privateKeyJWT.rawValue) { throw .keysMissing }
        throw .unsupportedAuthMethod(offered.joined(separator: ", "))
    }

    private static func string(_ name: String, in members: [String: Any]) throws(Problem) -> String? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        guard let string = value as? String else { throw .wrongType(name, expected: "a string") }
        return string
    }

    private static func strings(_ name: String, in members: [String: Any]) throws(Problem) -> [String]? {
        guard let value = members[name], !(value is NSNull) else { return nil }
        guard let array = value as? [Any] else { throw .wrongType(name, expected: "an array of strings") }
        let strings = array.compactMap { $0 as? String }
        guard strings.count == array.count else { throw .wrongType(name, expected: "an array of strings") }
        return strings
    }

    /// Absolute, no fragment, not a scheme that runs or reads anything, http(s) with a host, and
    /// plain http only to loopback.
    private static func redirectURIProblem(_ uri: String) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased() else { return "is not an absolute URI" }
        if uri.contains("#") { return "has a fragment" }
        if ["javascript", "data", "vbscript", "file"].contains(scheme) { return "uses the \(scheme): scheme" }
        guard scheme == "http" || scheme == "https" else { return nil }
        guard let host = components.host, !host.isEmpty else { return "has no host" }
        if scheme == "http", !LoopbackHost.contains(host) { return "uses plain http to a host other than loopback" }
        return nil
    }

    /// `{"keys": [...]}` of public keys only: a document that publishes private or symmetric key
    /// material would let anyone sign as the client.
    private static func inlineKeySet(_ value: Any?) throws(Problem) -> Data? {
        guard let value, !(value is NSNull) else { return nil }
        guard let set = value as? [String: Any], let keys = set["keys"] as? [Any], !keys.isEmpty else { throw .invalidJWKS }
        for key in keys {
            guard let members = key as? [String: Any] else { throw .invalidJWKS }
            if members["d"] != nil || members["k"] != nil { throw .privateKeyMaterial }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: set, options: [.sortedKeys]) else { throw .invalidJWKS }
        return data
    }

    private static func httpsURL(_ value: Any?) -> String? {
        guard let text = value as? String, let components = URLComponents(string: text), components.scheme?.lowercased() == "https",
            components.host?.isEmpty == false
        else { return nil }
        return text
    }
}
