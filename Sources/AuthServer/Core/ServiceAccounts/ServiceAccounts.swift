import Foundation
import Shared

/// What `auth-server admin service-account` and the admin pages do with service accounts, held to one set of rules
/// (docs/tokens.md § Service accounts): scopes narrowed to the account's role and never `mfa`; a secret shown once
/// and kept as SHA-256 only, or keys for `private_key_jwt`; every change in the ledger, in the change's transaction.
public struct ServiceAccounts: Sendable {
    let storage: any ClientStore & ServiceAccountStore

    public init(storage: any ClientStore & ServiceAccountStore) { self.storage = storage }

    /// How the account authenticates at the token endpoint.
    public enum Credentials: Sendable, Equatable {
        /// `client_secret_basic` (or `client_secret_post`): a secret is made and shown once.
        case secret
        /// `private_key_jwt` (RFC 7523 §2.2) with these keys, as a JWK Set's JSON text.
        case jwks(String)
        /// `private_key_jwt` with keys fetched from this https URL.
        case jwksURI(String)
    }

    public struct Request: Sendable {
        public var name: String
        public var scopes: [String]
        public var companyID: String?
        public var credentials: Credentials

        public init(name: String, scopes: [String], companyID: String? = nil, credentials: Credentials = .secret) {
            self.name = name
            self.scopes = scopes
            self.companyID = companyID
            self.credentials = credentials
        }
    }

    /// What the integration is given: its client id, and its secret this once (nil for `private_key_jwt`).
    public struct Issued: Sendable, Encodable {
        public let clientID: String
        public let clientSecret: String?

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret"
        }
    }

    public struct Made: Sendable {
        public let account: ServiceAccount
        public let issued: Issued
        /// Asked-for scopes the account's role cannot hold (or `mfa`, or unknown ones), left out.
        public let dropped: [String]
    }

    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Who acts, for the ledger: an admin on the pages, or nil for the admin command line.
    public typealias Actor = User?

    public func create(_ request: Request, tenant: Tenant, by actor: Actor, now: Date = Date()) async throws -> Made {
        let name = request.name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= AuthPolicy.PersonalAccessTokens.maxLabelLength,
            !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw Refusal(message: "Give the service account a name of at most \(AuthPolicy.PersonalAccessTokens.maxLabelLength) characters on one line.") }
        let companyID = request.companyID.flatMap { $0.isEmpty ? nil : $0 }
        if let companyID, !CompanyID.isPlausible(companyID) { throw Refusal(message: "That is not a company id.") }
        let role: Role = companyID == nil ? .technician : .company
        let scopes = ScopeCatalog.narrow(request.scopes, to: role).filter { $0 != Elevation.scope }

        let id = ServiceAccount.idPrefix + RandomIdentifier.make(bytes: 12)
        var secret: ClientSecret?
        var method = ClientAuthMethod.clientSecretBasic
        var jwks: String?
        var jwksURI: String?
        switch request.credentials {
        case .secret:
            secret = ClientSecret.generate()
        case .jwks(let text):
            guard Self.isKeySet(text) else { throw Refusal(message: "The keys must be a JWK Set: a JSON object with a non-empty \"keys\" array.") }
            method = .privateKeyJWT
            jwks = text
        case .jwksURI(let uri):
            guard ClientKeysURL.parse(uri, allowLoopbackHTTP: false) != nil else {
                throw Refusal(message: "The keys' URL must be an absolute https URL with a host.")
            }
            method = .privateKeyJWT
            jwksURI = uri
        }
        let client = Client(
            tenantID: tenant.id, id: id, kind: .serviceAccount, name: name, redirectURIs: [], authMethod: method,
            secretHashes: secret.map { [$0.storedHash] } ?? [], grantTypes: [ClientCredentialsGrant.grantType], scope: scopes.joined(separator: " "),
            jwksURI: jwksURI, jwks: jwks, createdAt: now)
        let grant = Grant(
            tenantID: tenant.id, id: "grant_" + RandomIdentifier.make(), userID: id, clientID: id, resource: tenant.resource, scopes: scopes,
            createdAt: now, lastAuthorisedAt: now)
        let account = ServiceAccount(
            tenantID: tenant.id, id: id, grantID: grant.id, name: name, scopes: scopes, companyID: companyID, createdBy: actor?.id, createdAt: now)
        try await storage.insertServiceAccount(
            account, client: client, grant: grant,
            ledger: Ledger.entry(
                .serviceAccountCreated, tenantID: tenant.id, actorID: actor?.id, actorEmail: actor?.email, subjectID: id, grantID: grant.id, clientID: id,
                detail: "\(name): \(scopes.joined(separator: " "))" + (companyID.map { " for company \($0)" } ?? ""), at: now))
        return Made(account: account, issued: Issued(clientID: id, clientSecret: secret?.value), dropped: request.scopes.filter { !scopes.contains($0) })
    }

    public func list(tenantID: String) async throws -> [ServiceAccount] {
        try await storage.serviceAccounts(tenantID: tenantID)
    }

    /// A new secret; the old one stops working at once (tokens already issued live out their hour). nil when there is
    /// no active account with a secret.
    public func rotateSecret(id: String, tenantID: String, by actor: Actor, now: Date = Date()) async throws -> Issued? {
        guard let account = try await storage.serviceAccount(tenantID: tenantID, id: id), account.isActive,
            let client = try await storage.client(tenantID: tenantID, id: id), client.authMethod.usesSecret
        else { return nil }
        let secret = ClientSecret.generate()
        guard
            try await storage.replaceServiceAccountCredentials(
                tenantID: tenantID, id: id, secretHashes: [secret.storedHash], at: now,
                ledger: Ledger.entry(
                    .serviceAccountSecretRotated, tenantID: tenantID, actorID: actor?.id, actorEmail: actor?.email, subjectID: id,
                    grantID: account.grantID, clientID: id, at: now))
        else { return nil }
        return Issued(clientID: id, clientSecret: secret.value)
    }

    /// Ends the account: its grant (the resource-servers refuse its tokens from the revocation stream within a
    /// second) and its credentials. nil when there is no active account of that id.
    public func revoke(id: String, tenantID: String, by actor: Actor, now: Date = Date()) async throws -> ServiceAccount? {
        guard let account = try await storage.serviceAccount(tenantID: tenantID, id: id), account.isActive else { return nil }
        let by = actor.map { "revoked by \($0.id)" } ?? "revoked by an administrator (command line)"
        guard
            try await storage.revokeServiceAccount(
                tenantID: tenantID, id: id, reason: "service account \(by)", at: now,
                ledger: Ledger.entry(
                    .serviceAccountRevoked, tenantID: tenantID, actorID: actor?.id, actorEmail: actor?.email, subjectID: id,
                    grantID: account.grantID, clientID: id, at: now))
        else { return nil }
        return account
    }

    private static func isKeySet(_ text: String) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], let keys = object["keys"] as? [Any] else {
            return false
        }
        return !keys.isEmpty
    }
}
