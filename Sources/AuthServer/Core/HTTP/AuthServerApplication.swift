import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// Builds the auth-server's HTTP application: routes, middleware and the tenant directory. The API
/// routes (metadata, JWKS, token, revocation, registration) carry CORS for browser-based clients; the
/// pages and the browser side of OAuth (authorize, consent, connected apps) carry the session instead.
public enum AuthServerApplication {
    /// - Parameters:
    ///   - resourceTools: where consent learns which tools a scope opens and which scopes the resource still publishes;
    ///     by default the resource-server's metadata over HTTP.
    ///   - pages: the pages' services; by default made from the environment (tests pass ones that count throttle delays).
    ///   - resourceAdmin: how the admin pages reach the resource-server's admin API; by default over HTTP.
    ///   - roster: the tenants answered for; by default the stored ones, as they are now (`make` keeps its roster current).
    public static func router(
        environment: AuthServerEnvironment, logger: Logger = Logger(label: "auth-server"), resourceTools: ResourceToolCatalog = ResourceToolCatalog(),
        pages: PageServices? = nil, resourceAdmin: ResourceServerAdmin? = nil, roster: TenantRoster? = nil
    ) async throws -> Router<AuthRequestContext> {
        let roster = if let roster { roster } else { try await storedRoster(environment) }
        let documents = try CIMDClientResolver.make(settings: environment.settings, logger: logger)
        let keyCache = ClientJWKSCache(logger: logger) { url in
            try await documents.fetcher.fetchJSON(url.absoluteString, maxBytes: AuthPolicy.MetadataDocuments.maxJWKSBytes).body
        }
        let services = OAuthServices(
            environment: environment, documents: documents,
            assertions: ClientAssertionVerifier(
                keyCache: keyCache,
                replayStore: environment.clientAssertionReplayStore()
            ), resourceTools: resourceTools, logger: logger
        )

        let router = Router(context: AuthRequestContext.self)
        _ = ProcessMetrics.registry
        router.add(middleware: RequestMetricsMiddleware())
        if environment.settings.metricsListen == nil {
            router.get(RouterPath(MetricsEndpoint.path)) { request, context in MetricsEndpoint.mainPortResponse(request, peer: context.peerAddress) }
        }
        router.add(middleware: TenantMiddleware<AuthRequestContext>(roster: roster))
        router.add(middleware: ClientAddressMiddleware<AuthRequestContext>(proxies: environment.settings.trustedProxies))
        let health = try HealthResponse.response(service: "auth-server")
        router.get(RouterPath(AuthServerPaths.health)) { _, _ in health }
        let readiness = Readiness(
            service: "auth-server", logger: logger, checks: [("database", Readiness.succeeds { _ = try await environment.storage.allTenants() })])
        router.get(RouterPath(Readiness.path)) { _, _ in try await readiness.response() }
        OAuthAPIRoutes.add(to: router, services: services)
        router.get(RouterPath(RevocationStream.path)) { request, context in
            try await services.revocationStream.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
        let tenantList = TenantListEndpoint(roster: roster, resourceServers: services.resourceServers)
        router.get(RouterPath(TenantList.path)) { request, context in
            try await tenantList.handle(request, tenant: try context.requireTenant(), address: context.clientAddress)
        }
        let pages =
            if let pages { pages } else {
                try await PageServices(
                    storage: environment.storage, keyEncryptionKey: environment.keyEncryptionKey,
                    throttle: SignInThrottle(counting: environment.requestLimiters))
            }
        PageRoutes.add(to: router, pages: pages)
        OAuthBrowserRoutes.add(
            to: router, services: services, pages: pages, resourceTools: resourceTools,
            resourceAdmin: resourceAdmin
                ?? ResourceServerAdmin(keyRing: environment.keyRing, elevationWindowSeconds: environment.settings.elevationWindowSeconds))
        ToolsReferenceRoutes(pages: pages, resourceTools: resourceTools).add(to: router)
        router.answerUnservedMethods()
        return router
    }

    static func storedRoster(_ environment: AuthServerEnvironment) async throws -> TenantRoster {
        TenantRoster(tenants: try await environment.storage.allTenants(), url: \.issuer)
    }

    /// The server, over TLS when it has a certificate (reloaded on SIGHUP).
    public static func make(
        environment: AuthServerEnvironment, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let tls = try environment.settings.tls.map(ReloadingTLSContext.init)
        let storage = environment.storage
        let roster = try await storedRoster(environment)
        var services: [any Service] = [
            AuditPruning(days: environment.settings.auditRetentionDays, logger: logger) { try await storage.pruneLedger(before: $0) },
            TenantRosterRefresh(roster: roster, storage: storage, keyRing: environment.keyRing, logger: logger),
        ]
        if let tls { services.append(TLSReloadOnHangup(tls: tls, logger: logger)) }
        if let metrics = environment.settings.metricsListen { services.append(MetricsEndpoint.application(listen: metrics)) }
        return Application(
            router: try await router(environment: environment, logger: logger, roster: roster),
            server: .http1(tls: tls),
            configuration: .init(address: .hostname(environment.settings.listen.host, port: environment.settings.listen.port)),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
