import Crypto
import Foundation
import Hummingbird
import Logging
import Shared
import Synchronization

/// RFC 7591 dynamic registration at /oauth/register, and RFC 7592 read and delete at
/// /oauth/register/{client_id} with the registration access token. Registration is open, so the
/// registrations that create a client are limited per client address. A byte-identical public
/// registration from the same address is folded into the client it already made (Claude registers on
/// every fresh connection): the fold answers with the client's id and metadata only, never a
/// registration access token or a secret, and never changes the stored client, so replaying someone's
/// registration body gains nothing (docs/security.md § Threats). Clients nobody has used
/// for `AuthPolicy.unusedClientLifetime` are reaped.
final class DynamicClientRegistration: Sendable {
    let storage: any ClientStore & LedgerStore
    let logger: Logger
    let limiter: any RequestLimiter
    private let lastReap = Mutex<Date>(.distantPast)

    init(
        storage: any ClientStore & LedgerStore, registrationsPerHour: Int = AuthPolicy.registrationsPerAddressPerHour, limiters: RequestLimiters = .inMemory,
        logger: Logger
    ) {
        self.storage = storage
        self.logger = logger
        limiter = limiters.make("registrations per address", limit: registrationsPerHour, per: 3600)
    }

    struct Registered: Encodable {
        var clientID: String
        var clientIDIssuedAt: Int64
        var clientSecret: String?
        var clientSecretExpiresAt: Int64?
        var registrationAccessToken: String?
        /// Only with a registration access token: without one the URI is of no use (RFC 7592 §3).
        var registrationClientURI: String?
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
            try container.encodeIfPresent(registrationClientURI, forKey: .registrationClientURI)
        }
    }

    static func configurationURI(issuer: String, clientID: String) -> String {
        issuer + AuthServerPaths.registration + "/" + (clientID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? clientID)
    }

    func register(body: Data, tenant: Tenant, address: ClientAddress?, now: Date) async throws -> Registered {
        try await reapIfDue(now: now)
        let request = try ClientRegistrationRequest(json: body)
        let metadata = request.metadata
        let method = ClientAuthMethod(rawValue: metadata.tokenEndpointAuthMethod)!
        // Only public clients fold: they hold no secret, and a fold hands out nothing but the public client id.
        // The fingerprint includes the address, so two people elsewhere sending the same body get clients of
        // their own, which one registrant's DELETE cannot take from the other.
        let fingerprint = method == .none ? Self.fingerprint(body: body, address: address) : nil
        if let fingerprint, let existing = try await storage.client(tenantID: tenant.id, fingerprint: fingerprint) {
            return Registered(
                clientID: existing.id, clientIDIssuedAt: Int64(existing.createdAt.timeIntervalSince1970),
                metadata: existing.registeredMetadata ?? metadata
            )
        }
        if let retryAfter = try await limiter.admit(address?.limitKey ?? ClientAddress.unknownKey, now: now) {
            throw OAuthError.tooManyRequests("Too many registrations from this address; try again later", retryAfter: retryAfter)
        }
        let secret = method.usesSecret ? ClientSecret.generate() : nil
        let registrationToken = OpaqueToken.make(.registrationAccessToken)
        let client = Client(
            tenantID: tenant.id, id: "gh_" + RandomIdentifier.make(), kind: .dynamic, name: metadata.clientName ?? "An unnamed app",
            redirectURIs: metadata.redirectURIs, authMethod: method, secretHashes: secret.map { [$0.storedHash] } ?? [],
            registrationTokenHash: registrationToken.hash, grantTypes: metadata.grantTypes, scope: metadata.scope, jwksURI: metadata.jwksURI,
            registrationFingerprint: fingerprint,
            metadataJSON: String(decoding: try JSONResponse.encoder.encode(metadata), as: UTF8.self), createdAt: now
        )
        try await storage.registerClient(
            client,
            ledger: Ledger.entry(.clientRegistered, tenantID: tenant.id, actorID: client.id, clientID: client.id, address: address, detail: client.name, at: now))
        logger.info("client registered", metadata: ["client": "\(client.id)", "method": "\(method.rawValue)"])
        return Registered(
            clientID: client.id, clientIDIssuedAt: Int64(now.timeIntervalSince1970), clientSecret: secret?.value,
            clientSecretExpiresAt: secret == nil ? nil : 0, registrationAccessToken: registrationToken.value,
            registrationClientURI: Self.configurationURI(issuer: tenant.issuer, clientID: client.id), metadata: metadata
        )
    }

    private static func fingerprint(body: Data, address: ClientAddress?) -> String {
        let place = address?.limitKey ?? ClientAddress.unknownKey
        return Base64URL.encode(Array(SHA256.hash(data: Data(place.utf8) + [0] + body)))
    }

    /// RFC 7592 §2.1: the registration as it stands; secrets are never shown again.
    func read(clientID: String, registrationToken: Substring?, tenant: Tenant) async throws -> Registered {
        let client = try await authorised(clientID: clientID, registrationToken: registrationToken, tenant: tenant)
        guard let metadata = client.registeredMetadata else { throw OAuthError.invalidClientMetadata("The registration has no stored metadata") }
        return Registered(
            clientID: client.id, clientIDIssuedAt: Int64(client.createdAt.timeIntervalSince1970),
            clientSecretExpiresAt: client.secretHashes.isEmpty ? nil : 0,
            registrationClientURI: Self.configurationURI(issuer: tenant.issuer, clientID: client.id), metadata: metadata
        )
    }

    /// RFC 7592 §2.3: the client and everything it was granted.
    func delete(clientID: String, registrationToken: Substring?, tenant: Tenant) async throws {
        _ = try await authorised(clientID: clientID, registrationToken: registrationToken, tenant: tenant)
        guard
            try await storage.deleteClient(
                tenantID: tenant.id, id: clientID,
                ledger: Ledger.entry(.clientDeleted, tenantID: tenant.id, actorID: clientID, clientID: clientID, detail: "by its registration access token", at: Date()))
        else { return }
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

extension Client {
    /// The metadata as registered, echoed by RFC 7592 reads and by folded registrations.
    var registeredMetadata: RegisteredClientMetadata? {
        metadataJSON.flatMap { try? JSONDecoder().decode(RegisteredClientMetadata.self, from: Data($0.utf8)) }
    }
}
