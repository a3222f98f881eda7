import Foundation
import Shared

/// The clients Gatehouse brings itself, present in every tenant from the first start:
/// - the admin command line, which the grants of tokens minted by `auth-server admin token issue` belong to,
///   so those tokens show in connected apps and can be revoked like any other;
/// - the `gatehouse` command line, a public client of the device flow (RFC 8628) with refresh tokens, under
///   the same id everywhere (`CommandLineClient.id`), so it signs in to any issuer without registering;
/// - personal access tokens, whose grants belong to a client of their own, so each token shows in connected apps;
/// - the resource-server, whose credentials (a 0600 file in the data folder, made once) let it read the
///   internal endpoints. Deleting the file and restarting gives it a new secret.
enum BuiltInClients {
    static let adminCLIName = "Gatehouse admin command line"
    static let resourceServerName = "Gatehouse resource-server"
    static let personalAccessTokensName = "Personal access token"

    static func ensure(in tenants: [Tenant], storage: any ClientStore, dataDirectory: String, now: Date) async throws {
        let credentials = try resourceServerCredentials(dataDirectory: dataDirectory)
        for tenant in tenants {
            try await ensure(
                Client(
                    tenantID: tenant.id, id: AuthPolicy.adminCLIClientID, kind: .firstParty, name: adminCLIName, redirectURIs: [],
                    authMethod: .none, grantTypes: [], createdAt: now),
                storage: storage)
            try await ensure(
                Client(
                    tenantID: tenant.id, id: CommandLineClient.id, kind: .firstParty, name: CommandLineClient.name, redirectURIs: [],
                    authMethod: .none, grantTypes: [DeviceCodeGrantType.urn, "refresh_token"], createdAt: now),
                storage: storage)
            try await ensure(
                Client(
                    tenantID: tenant.id, id: AuthPolicy.PersonalAccessTokens.clientID, kind: .firstParty, name: personalAccessTokensName,
                    redirectURIs: [], authMethod: .none, grantTypes: [], createdAt: now),
                storage: storage)
            try await ensure(
                Client(
                    tenantID: tenant.id, id: credentials.clientID, kind: .resourceServer, name: resourceServerName, redirectURIs: [],
                    authMethod: .clientSecretBasic, secretHashes: [ClientSecret.hash(credentials.clientSecret)], grantTypes: [], createdAt: now),
                storage: storage)
        }
    }

    /// Saves the client unless a row with the same content is there, keeping its creation, last use and approval.
    private static func ensure(_ client: Client, storage: any ClientStore) async throws {
        var wanted = client
        let stored = try await storage.client(tenantID: client.tenantID, id: client.id)
        wanted.createdAt = stored?.createdAt ?? client.createdAt
        wanted.lastUsedAt = stored?.lastUsedAt
        wanted.approval = stored?.approval ?? wanted.approval
        if wanted != stored { try await storage.saveClient(wanted) }
    }

    /// The credentials file in the data folder, made with a fresh secret on first start.
    static func resourceServerCredentials(dataDirectory: String) throws(ConfigurationError) -> ResourceServerCredentials {
        let path = (dataDirectory as NSString).appendingPathComponent(ResourceServerCredentials.fileName)
        if let existing = try ResourceServerCredentials.read(file: path) { return existing }
        let made = ResourceServerCredentials(clientID: ResourceServerCredentials.defaultClientID, clientSecret: ClientSecret.generate().value)
        guard try SecretFile.create(path, contents: made.fileContents, setting: "GATEHOUSE_DATA_DIR") else {
            return try resourceServerCredentials(dataDirectory: dataDirectory)
        }
        return made
    }
}
