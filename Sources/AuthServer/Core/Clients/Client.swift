import Foundation

/// A client the auth-server knows: registered through DCR (RFC 7591), identified by a metadata
/// document (its `client_id` is the document's URL; the row keeps the last document seen so account
/// pages can name it), or first-party (Gatehouse's own tools). Secrets and registration access tokens
/// are kept only as SHA-256.
public struct Client: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case dynamic
        case metadataDocument = "metadata_document"
        case firstParty = "first_party"
        /// A resource-server, reading the internal endpoints with its credentials; never a party to a grant.
        case resourceServer = "resource_server"
        /// A service account's credentials (`ServiceAccount`): made by an admin, it may only use the client credentials grant.
        case serviceAccount = "service_account"
    }

    public var tenantID: String
    public var id: String
    public var kind: Kind
    public var name: String
    public var redirectURIs: [String]
    public var authMethod: ClientAuthMethod
    /// SHA-256 of each secret the client holds: one per registration folded into this client, so every
    /// registrant's secret keeps working (bounded by `AuthPolicy.maxSecretsPerClient`).
    public var secretHashes: [String]
    public var registrationTokenHash: String?
    public var grantTypes: [String]
    /// The registration's `scope`, informational only: authorize requests are never bound to it (docs/clients.md § Claude Code).
    public var scope: String?
    public var jwksURI: String?
    /// An inline JWKS (RFC 7591 §2 `jwks`), as JSON text.
    public var jwks: String?
    /// SHA-256 of the registrant's address and the exact registration request, so a byte-identical
    /// re-registration from the same place is folded into the existing client (docs/clients.md § Claude).
    public var registrationFingerprint: String?
    /// The client metadata as registered, echoed by RFC 7592 reads.
    public var metadataJSON: String?
    /// A metadata-document client whose document the operator pinned (`GATEHOUSE_CIMD_PINNED_DIR`): the
    /// operator vouches for where it sends people.
    public var isPinned: Bool
    public var createdAt: Date
    public var lastUsedAt: Date?
    /// Set when the row is first stored; afterwards only by the approval methods of `GovernanceStore`.
    public var approval: ClientApproval

    public init(
        tenantID: String, id: String, kind: Kind, name: String, redirectURIs: [String], authMethod: ClientAuthMethod,
        secretHashes: [String] = [], registrationTokenHash: String? = nil, grantTypes: [String] = ["authorization_code", "refresh_token"],
        scope: String? = nil, jwksURI: String? = nil, jwks: String? = nil, registrationFingerprint: String? = nil,
        metadataJSON: String? = nil, isPinned: Bool = false, createdAt: Date, lastUsedAt: Date? = nil, approval: ClientApproval? = nil
    ) {
        self.tenantID = tenantID
        self.id = id
        self.kind = kind
        self.name = name
        self.redirectURIs = redirectURIs
        self.authMethod = authMethod
        self.secretHashes = secretHashes
        self.registrationTokenHash = registrationTokenHash
        self.grantTypes = grantTypes
        self.scope = scope
        self.jwksURI = jwksURI
        self.jwks = jwks
        self.registrationFingerprint = registrationFingerprint
        self.metadataJSON = metadataJSON
        self.isPinned = isPinned
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.approval = approval ?? .initial(operatorTrusted: kind == .firstParty || kind == .resourceServer || kind == .serviceAccount || isPinned)
    }

    /// The host a person can trust: a metadata document's URL host is verified by TLS when we fetch it;
    /// a dynamically registered name is whatever the registrant typed, so it has none (CIMD draft § OAuth Phishing Attacks).
    public var verifiedHost: String? {
        kind == .metadataDocument ? URLComponents(string: id)?.host : nil
    }

    /// Whether the operator vouches for this client: a first-party client, a service account an admin made, or a
    /// pinned document (and so its redirect URIs). Anyone else's are only as trustworthy as whoever registered or published them.
    public var isOperatorTrusted: Bool { kind == .firstParty || kind == .serviceAccount || isPinned }
}

/// RFC 7591 §2 `token_endpoint_auth_method` values we serve; the metadata advertises exactly these.
public enum ClientAuthMethod: String, Sendable, CaseIterable {
    case none
    case privateKeyJWT = "private_key_jwt"
    case clientSecretPost = "client_secret_post"
    case clientSecretBasic = "client_secret_basic"

    public var usesSecret: Bool { self == .clientSecretPost || self == .clientSecretBasic }
}
