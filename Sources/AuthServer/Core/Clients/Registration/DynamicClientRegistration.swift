import Crypto
import Foundation
import Hummingbird
import Logging
import Shared
import Synchronization

/// RFC 7591 dynamic registration at /oauth/register, and RFC 7592 read and delete at
/// /oauth/register/{client_id} with the registration access token. Registration is open, so it is
/// limited per address; a byte-identical re-registration from the same address is folded into the
/// client it already made (Claude registers on every fresh connection: docs/clients.md § Claude), and clients nobody has
/// used for `AuthPolicy.unusedClientLifetime` are reaped.
final class DynamicClientRegistration: Sendable {
    let storage: any AuthStorage
    let logger: Logger
    let limiter = RateLimiter(limit: AuthPolicy.registrationsPerAddressPerHour, per: 3600)
    private let lastReap = Mutex<Date>(.distantPast)

    init(storage: any AuthStorage, logger: Logger) {
        self.storage = storage
        self.logger = logger
    }

    struct Registered: Encodable {
        var clientID: String
        var clientIDIssuedAt: Int64
        var clientSecret: String?
        var clientSecretExpiresAt: Int64?
        var registrationAccessToken: String?
        var registrationClientURI: String
        var metadata: RegisteredClientMetadata

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id"
            case clientIDIssuedAt = "client_id_issued_at"
            case clientSecret = "client_secret"
            case clientSecretExpiresAt = "client_secret_expires_at"
            case registrationAccessToken = "registration_access_token"
            case registrationClientURI = "registration_client_uri"
        }

        func encode(to encoder: any Encoder) throws {
            try metadata.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(clientID, forKey: .clientID)
            try container.encode(clientIDIssuedAt, forKey: .clientIDIssuedAt)
            try container.encodeIfPresent(clientSecret, forKey: .clientSecret)
            try container.encodeIfPresent(clientSecretExpiresAt, forKey: .clientSecretExpiresAt)
            try container.encodeIfPresent(registrationAccessToken, forKey: .registrationAccessToken)
            try container.encode(registrationClientURI, forKey: .registrationClientURI)
        }
    }

    static func configurationURI(issuer: String, clientID: String) -> String {
        issuer + AuthServerPaths.registration + "/" + (clientID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? clientID)
    }

    func register(body: Data, tenant: Tenant, address: String?, now: Date) async throws -> Registered {
        guard limiter.allow(address ?? "unknown", now: now) else {
            throw OAuthError("slow_down", "Too many registrations from this address; try again later")
        }
        try await reapIfDue(now: now)
        let request = try ClientRegistrationRequest(json: body)
        let metadata = request.metadata
        let method = ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod)!
        // Folding is per address: a re-registration hands out a new registration access token for the
        // client, which must not let someone elsewhere copy a request and take over (or delete) the client.
        let fingerprint = Base64URL.encode(Array(SHA256.hash(data: Data((address ?? "unknown").utf8) + [0] + body)))
        let registrationToken = OpaqueToken.make(.registrationAccessToken)

        let secret = method.usesSecret ? ClientSecret.generate() : nil
        if var existing = try await storage.client(tenantID: tenant.id, fingerprint: fingerprint) {
            // The same client asking again: one client, a fresh registration access token, and for a
            // confidential client one more secret, the earlier ones still good (whichever the client keeps).
            existing.registrationTokenHash = registrationToken.hash
            if let secret { existing.secretHashes = Array((existing.secretHashes + [secret.storedHash]).suffix(AuthPolicy.maxSecretsPerClient)) }
            try await storage.saveClient(existing)
            return Registered(
                clientID: existing.id, clientIDIssuedAt: Int64(existing.createdAt.timeIntervalSince1970), clientSecret: secret?.value,
                clientSecretExpiresAt: secret == nil ? nil : 0, registrationAccessToken: registrationToken.value,
                registrationClientURI: Self.configurationURI(issuer: tenant.issuer, clientID: existing.id), metadata: metadata
            )
        }
        let client = Client(
            tenantID: tenant.id, id: "gh_" + RandomIdentifier.make(), kind: .dynamic, name: metadata.clientName ?? "An unnamed app",
            redirectURIs: metadata.redirectURIs, authMethod: method, secretHashes: secret.map { [$0.storedHash] } ?? [],
            registrationTokenHash: registrationToken.hash, grantTypes: metadata.grantTypes, scope: metadata.scope, jwksURI: metadata.jwksURI,
            registrationFingerprint: fingerprint,
            metadataJSON: String(decoding: try JSONResponse.encoder.encode(metadata), as: UTF8.self), createdAt: now
        )
        try await storage.saveClient(client)
        logger.info("client registered", metadata: ["client": "\(client.id)", "method": "\(method.rawValue)"])
        return Registered(
            clientID: client.id, clientIDIssuedAt: Int64(now.timeIntervalSince1970), clientSecret: secret?.value,
            clientSecretExpiresAt: secret == nil ? nil : 0, registrationAccessToken: registrationToken.value,
            registrationClientURI: Self.configurationURI(issuer: tenant.issuer, clientID: client.id), metadata: metadata
        )
    }

    /// RFC 7592 §2.1: the registration as it stands; secrets are never shown again.
    func read(clientID: String, registrationToken: Substring?, tenant: Tenant) async throws -> Registered {
        let client = try await authorised(clientID: clientID, registrationToken: registrationToken, tenant: tenant)
        guard let json = client.metadataJSON, let metadata = try? JSONDecoder().decode(RegisteredClientMetadata.self, from: Data(json.utf8)) else {
            throw OAuthError.invalidClientMetadata("The registration has no stored metadata")
        }
        return Registered(
            clientID: client.id, clientIDIssuedAt: Int64(client.createdAt.timeIntervalSince1970),
            clientSecretExpiresAt: client.secretHashes.isEmpty ? nil : 0,
            registrationClientURI: Self.configurationURI(issuer: tenant.issuer, clientID: client.id), metadata: metadata
        )
    }

    /// RFC 7592 §2.3: the client and everything it was granted.
    func delete(clientID: String, registrationToken: Substring?, tenant: Tenant) async throws {
        _ = try await authorised(clientID: clientID, registrationToken: registrationToken, tenant: tenant)
        try await storage.deleteClient(tenantID: tenant.id, id: clientID)
        logger.info("client deleted by its registration access token", metadata: ["client": "\(clientID)"])
    }

    /// RFC 7592 §2: a missing or wrong token, or an unknown client, is the same 401 (RFC 6750 §3.1).
    private func authorised(clientID: String, registrationToken: Substring?, tenant: Tenant) async throws -> Client {
        guard let registrationToken, let client = try await storage.client(tenantID: tenant.id, id: clientID), client.kind == .dynamic,
            let stored = client.registrationTokenHash,
            ConstantTime.equals(OpaqueToken.hash(String(registrationToken)).utf8, stored.utf8)
        else { throw OAuthError("invalid_token", "The registration access token is not valid for this client") }
        return client
    }

    private func reapIfDue(now: Date) async throws {
        let due = lastReap.withLock { last in
            guard now.timeIntervalSince(last) > 3600 else { return false }
            last = now
            return true
        }
        guard due else { return }
        let reaped = try await storage.reapDynamicClients(unusedSince: now.addingTimeInterval(-AuthPolicy.unusedClientLifetime))
        if reaped > 0 { logger.info("unused registered clients reaped", metadata: ["count": "\(reaped)"]) }
    }
}
