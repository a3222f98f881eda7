import Shared

/// RFC 8414 §2 authorization server metadata. Names only endpoints that exist; every URL is built from
/// the tenant's issuer string, which is byte-identical to what the protected-resource metadata names
/// (RFC 8414 §3.3). What MCP clients look for (docs/clients.md): S256 only, `none` and `private_key_jwt`
/// among the auth methods (Claude's and ChatGPT's metadata-document gates), metadata documents
/// supported, `iss` really sent on every authorization response, and `offline_access` listed. The device
/// authorization endpoint and its grant type are advertised for command-line clients (RFC 8628 §4).
/// Introspection (RFC 7662) is for confidential clients only, so its methods leave out `none`.
/// No OpenID Connect document is served: a partial one broke ChatGPT (docs/clients.md § ChatGPT).
struct AuthorizationServerMetadata: Codable, Equatable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var registrationEndpoint: String
    var revocationEndpoint: String
    var deviceAuthorizationEndpoint: String
    var introspectionEndpoint: String
    var jwksURI: String
    var responseTypesSupported = ["code"]
    var responseModesSupported = ["query"]
    /// `client_credentials` is for service accounts only (docs/tokens.md § Service accounts).
    var grantTypesSupported = ["authorization_code", "refresh_token", DeviceCodeGrantType.urn, ClientCredentialsGrant.grantType]
    var codeChallengeMethodsSupported = ["S256"]
    var tokenEndpointAuthMethodsSupported = ClientAuthMethod.allCases.map(\.rawValue)
    var tokenEndpointAuthSigningAlgValuesSupported = ClientAssertionAlgorithm.allCases.map(\.rawValue)
    var revocationEndpointAuthMethodsSupported = ClientAuthMethod.allCases.map(\.rawValue)
    /// RFC 8414 §2: required once `private_key_jwt` is among the revocation endpoint's methods.
    var revocationEndpointAuthSigningAlgValuesSupported = ClientAssertionAlgorithm.allCases.map(\.rawValue)
    var introspectionEndpointAuthMethodsSupported = ClientAuthMethod.allCases.filter { $0 != .none }.map(\.rawValue)
    var introspectionEndpointAuthSigningAlgValuesSupported = ClientAssertionAlgorithm.allCases.map(\.rawValue)
    var clientIDMetadataDocumentSupported = true
    var authorizationResponseIssParameterSupported = true
    var scopesSupported = ScopeCatalog.names
    /// RFC 9470 §6: the authentication context classes a client may ask for with `acr_values`.
    var acrValuesSupported = AuthenticationContext.allCases.map(\.rawValue)

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case registrationEndpoint = "registration_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case deviceAuthorizationEndpoint = "device_authorization_endpoint"
        case introspectionEndpoint = "introspection_endpoint"
        case introspectionEndpointAuthMethodsSupported = "introspection_endpoint_auth_methods_supported"
        case introspectionEndpointAuthSigningAlgValuesSupported = "introspection_endpoint_auth_signing_alg_values_supported"
        case jwksURI = "jwks_uri"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case revocationEndpointAuthSigningAlgValuesSupported = "revocation_endpoint_auth_signing_alg_values_supported"
        case clientIDMetadataDocumentSupported = "client_id_metadata_document_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case scopesSupported = "scopes_supported"
        case acrValuesSupported = "acr_values_supported"
    }

    init(issuer: String) {
        self.issuer = issuer
        authorizationEndpoint = issuer + AuthServerPaths.authorize
        tokenEndpoint = issuer + AuthServerPaths.token
        registrationEndpoint = issuer + AuthServerPaths.registration
        revocationEndpoint = issuer + AuthServerPaths.revocation
        deviceAuthorizationEndpoint = issuer + AuthServerPaths.deviceAuthorization
        introspectionEndpoint = issuer + AuthServerPaths.introspection
        jwksURI = issuer + AuthServerPaths.jwks
    }
}

/// The auth-server's fixed paths, in one place.
enum AuthServerPaths {
    static let metadata = "/.well-known/oauth-authorization-server"
    static let jwks = "/oauth/jwks.json"
    static let authorize = "/oauth/authorize"
    static let token = "/oauth/token"
    static let registration = "/oauth/register"
    static let revocation = "/oauth/revoke"
    static let introspection = IntrospectionAnswer.path
    static let deviceAuthorization = "/oauth/device_authorization"
    /// Where a person enters a device's user code (RFC 8628 §3.3 `verification_uri`).
    static let device = "/device"
    static let consent = "/consent"
    static let connectedApps = "/account/apps"
    static let health = "/healthz"
}
