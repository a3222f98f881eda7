import Foundation
import Shared

/// The client metadata of an RFC 7591 §2 registration request, validated. Unknown members are ignored
/// (§2), members sent as null or "" count as absent, and defaults are the RFC's: `client_secret_basic`,
/// `["authorization_code"]`, `["code"]`. A public client may also register the device grant (RFC 8628 §4),
/// alone (a command line with no redirect URIs and no response types) or beside the code flow.
struct ClientRegistrationRequest: Sendable {
    var metadata: RegisteredClientMetadata

    init(json: Data) throws(OAuthError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw .invalidClientMetadata("The body must be a JSON object")
        }
        func string(_ name: String) throws(OAuthError) -> String? {
            switch object[name] {
            case nil, is NSNull: return nil
            case let value as String: return value.isEmpty ? nil : value
            default: throw .invalidClientMetadata("\(name) must be a string")
            }
        }
        func strings(_ name: String) throws(OAuthError) -> [String]? {
            switch object[name] {
            case nil, is NSNull: return nil
            case let values as [Any]:
                let strings = values.compactMap { $0 as? String }
                guard strings.count == values.count else { throw .invalidClientMetadata("\(name) must be an array of strings") }
                return strings
            default: throw .invalidClientMetadata("\(name) must be an array of strings")
            }
        }

        let method = try string("token_endpoint_auth_method") ?? ClientAuthMethod.clientSecretBasic.rawValue
        guard let authMethod = ClientAuthMethod(rawValue: method) else {
            throw .invalidClientMetadata(
                "token_endpoint_auth_method must be one of \(ClientAuthMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let grantTypes = try strings("grant_types") ?? ["authorization_code"]
        let unsupported = Set(grantTypes).subtracting(["authorization_code", "refresh_token", DeviceCodeGrantType.urn])
        let usesCode = grantTypes.contains("authorization_code")
        guard unsupported.isEmpty, usesCode || grantTypes.contains(DeviceCodeGrantType.urn) else {
            throw .invalidClientMetadata(
                "grant_types may hold authorization_code, refresh_token and \(DeviceCodeGrantType.urn), "
                    + "and must hold authorization_code or \(DeviceCodeGrantType.urn)")
        }
        if grantTypes.contains(DeviceCodeGrantType.urn), authMethod != .none {
            throw .invalidClientMetadata("\(DeviceCodeGrantType.urn) is for public clients: register it with token_endpoint_auth_method none")
        }
        // RFC 7591 §2.1: response types follow the grant types; only the code flow has one.
        let responseTypes = try strings("response_types") ?? (usesCode ? ["code"] : [])
        guard responseTypes == (usesCode ? ["code"] : []) else {
            throw .invalidClientMetadata(usesCode ? "response_types must be [\"code\"]" : "response_types must be empty without authorization_code")
        }
        let redirectURIs = try strings("redirect_uris") ?? []
        if usesCode, redirectURIs.isEmpty { throw .invalidRedirectURI("redirect_uris is required for the authorization code flow") }
        for uri in redirectURIs {
            do {
                try RedirectURIPolicy.validateForRegistration(uri)
            } catch {
                throw .invalidRedirectURI(error.description)
            }
        }
        let jwksURI = try string("jwks_uri")
        if object["jwks"] != nil, !(object["jwks"] is NSNull) {
            throw .invalidClientMetadata("Register keys by jwks_uri; inline jwks is not accepted at registration")
        }
        if authMethod == .privateKeyJWT {
            guard let jwksURI, ClientKeysURL.parse(jwksURI, allowLoopbackHTTP: false) != nil else {
                throw .invalidClientMetadata("private_key_jwt needs a jwks_uri that is an absolute https URL with a host")
            }
        }
        if let scope = try string("scope"), ScopeList.parse(scope) == nil { throw .invalidClientMetadata("scope is malformed") }
        if let type = try string("application_type"), !["native", "web"].contains(type) {
            throw .invalidClientMetadata("application_type must be native or web")
        }
        if let name = try string("client_name"), name.count > AuthPolicy.maxClientNameLength {
            throw .invalidClientMetadata("client_name is longer than \(AuthPolicy.maxClientNameLength) characters")
        }
        metadata = RegisteredClientMetadata(
            redirectURIs: redirectURIs, tokenEndpointAuthMethod: authMethod.rawValue, grantTypes: grantTypes, responseTypes: responseTypes,
            clientName: try string("client_name"), clientURI: try string("client_uri"), logoURI: try string("logo_uri"),
            scope: try string("scope"), contacts: try strings("contacts"), tosURI: try string("tos_uri"), policyURI: try string("policy_uri"),
            jwksURI: jwksURI, softwareID: try string("software_id"), softwareVersion: try string("software_version"),
            applicationType: try string("application_type")
        )
    }
}

/// The metadata a registration holds, as RFC 7591 §3.2.1 returns it: unset members are omitted, never
/// sent as "" or null (Claude's validator refuses those: docs/clients.md § Claude).
struct RegisteredClientMetadata: Codable, Sendable, Equatable {
    var redirectURIs: [String]
    var tokenEndpointAuthMethod: String
    var grantTypes: [String]
    var responseTypes: [String]
    var clientName: String?
    var clientURI: String?
    var logoURI: String?
    var scope: String?
    var contacts: [String]?
    var tosURI: String?
    var policyURI: String?
    var jwksURI: String?
    var softwareID: String?
    var softwareVersion: String?
    var applicationType: String?

    enum CodingKeys: String, CodingKey {
        case redirectURIs = "redirect_uris"
        case tokenEndpointAuthMethod = "token_endpoint_auth_method"
        case grantTypes = "grant_types"
        case responseTypes = "response_types"
        case clientName = "client_name"
        case clientURI = "client_uri"
        case logoURI = "logo_uri"
        case scope, contacts
        case tosURI = "tos_uri"
        case policyURI = "policy_uri"
        case jwksURI = "jwks_uri"
        case softwareID = "software_id"
        case softwareVersion = "software_version"
        case applicationType = "application_type"
    }
}
