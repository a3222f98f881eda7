import Foundation
import Logging
import Shared

/// The OAuth machinery, assembled once at start from the environment: what the routes call.
struct OAuthServices: Sendable {
    let storage: any AuthStorage
    let keyRing: SigningKeyRing
    let flow: AuthorizationFlow
    let token: TokenEndpoint
    let deviceAuthorization: DeviceAuthorizationEndpoint
    let revocation: RevocationEndpoint
    let introspection: IntrospectionEndpoint
    let personalAccessTokens: PersonalAccessTokens
    let registration: DynamicClientRegistration
    let grants: ConnectedApps
    let revocationStream: RevocationStreamEndpoint
    /// Admits only a resource-server to the internal endpoints.
    let resourceServers: ResourceServerAuthenticator
    let elevationWindowSeconds: Int

    /// - Parameter resourceTools: what the resource-server publishes, which narrows what a consent may grant.
    init(
        environment: AuthServerEnvironment, documents: any ClientMetadataResolving, assertions: ClientAssertionVerifier,
        resourceTools: ResourceToolCatalog, logger: Logger
    ) {
        let storage = environment.storage
        let ledger = Ledger(store: storage, logger: logger)
        let clients = ClientDirectory(storage: storage, documents: documents)
        let authenticator = ClientAuthenticator(clients: clients, assertions: assertions)
        let minter = TokenMinter(
            storage: storage, accessTokens: AccessTokenIssuer(keyRing: environment.keyRing),
            elevationWindowSeconds: environment.settings.elevationWindowSeconds, accessTokenLifetime: environment.settings.accessTokenSeconds)
        let limits = ClientRequestLimits(requestsPerMinute: environment.settings.tokenRequestsPerMinute, limiters: environment.requestLimiters)
        self.storage = storage
        keyRing = environment.keyRing
        elevationWindowSeconds = environment.settings.elevationWindowSeconds
        flow = AuthorizationFlow(storage: storage, clients: clients, resourceTools: resourceTools)
        token = TokenEndpoint(
            limits: limits, authenticator: authenticator, admission: ClientAdmission(storage: storage),
            authorizationCode: AuthorizationCodeGrant(storage: storage, minter: minter, logger: logger),
            refreshToken: RefreshTokenGrant(storage: storage, minter: minter, graceSeconds: environment.settings.refreshGraceSeconds, logger: logger),
            deviceCode: DeviceCodeGrant(storage: storage, minter: minter, logger: logger),
            clientCredentials: ClientCredentialsGrant(
                storage: storage, accessTokens: AccessTokenIssuer(keyRing: environment.keyRing), ledger: ledger,
                accessTokenLifetime: environment.settings.accessTokenSeconds),
            logger: logger
        )
        deviceAuthorization = DeviceAuthorizationEndpoint(
            limits: limits, authenticator: authenticator, admission: ClientAdmission(storage: storage), storage: storage, logger: logger)
        personalAccessTokens = PersonalAccessTokens(
            storage: storage, maxDays: environment.settings.personalAccessTokenMaxDays,
            elevationWindowSeconds: environment.settings.elevationWindowSeconds, logger: logger)
        introspection = IntrospectionEndpoint(
            limits: limits, authenticator: authenticator,
            introspection: TokenIntrospection(storage: storage, keyRing: environment.keyRing, personalAccessTokens: personalAccessTokens),
            logger: logger)
        revocation = RevocationEndpoint(limits: limits, storage: storage, keyRing: environment.keyRing, authenticator: authenticator, logger: logger)
        registration = DynamicClientRegistration(
            storage: storage, registrationsPerHour: environment.settings.registrationsPerHour, limiters: environment.requestLimiters, logger: logger)
        grants = ConnectedApps(storage: storage, logger: logger)
        resourceServers = ResourceServerAuthenticator(authenticator: authenticator)
        revocationStream = RevocationStreamEndpoint(
            storage: storage, resourceServers: resourceServers,
            watch: RevocationLogWatch(storage: storage), logger: logger)
    }
}
