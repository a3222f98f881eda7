import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// Builds the resource-server's HTTP application: metadata, health, and the MCP endpoint behind the
/// origin guard and bearer authentication.
public enum ResourceServerApplication {
    /// - Parameter keyFetch: how to get the auth-server's keys; by default its JWKS over HTTP.
    /// - Parameter introspector: how personal access tokens are checked; by default at the auth-server with this
    ///   server's credentials (none configured: every personal access token is unavailable).
    /// - Parameter denied: what the revocation stream reported; `make` keeps it current.
    public static func router(
        environment: ResourceServerEnvironment, logger: Logger, keyFetch: RemoteKeySet.Fetch? = nil, introspector: TokenIntrospector? = nil,
        cache: VerifiedTokenCache = VerifiedTokenCache(), denied: RevocationDenySet = RevocationDenySet()
    ) async throws -> Router<ResourceRequestContext> {
        let settings = environment.settings
        let tenants = try await environment.storage.allTenants()
        let directory = TenantDirectory(tenants: tenants, url: \.resource)
        let tenant = try defaultTenant(tenants)
        let connection = AuthServerConnection(authURL: settings.authURL, issuer: tenant.issuer)
        let keys = RemoteKeySet(logger: logger, fetch: keyFetch ?? RemoteKeySet.httpFetch(connection))
        let authenticator = BearerAuthenticator(
            verifier: AccessTokenVerifier(issuer: tenant.issuer, audience: tenant.resource, tenantID: tenant.id), keys: keys,
            introspector: introspector ?? settings.credentials.map { TokenIntrospector.http(connection, credentials: $0) } ?? .unavailable,
            cache: cache, denied: denied
        )
        let challenge = BearerChallenge(
            resourceMetadataURL: ProtectedResourceMetadataLocation.url(forResource: tenant.resource), defaultScopes: environment.registry.allScopes
        )
        let gate = CallGate(
            registry: environment.registry, authority: ToolAuthority(elevationWindowSeconds: settings.elevationWindowSeconds),
            rateLimits: environment.rateLimits, audit: environment.audit)
        let endpoint = MCPEndpoint(
            gate: gate, dispatcher: MCPDispatcher(registry: environment.registry, gate: gate), challenge: challenge,
            maxBodyBytes: settings.maxBodyBytes, features: environment.features
        )
        let originGuard = OriginGuardMiddleware<ResourceRequestContext>(resource: tenant.resource, extra: settings.allowedOrigins)

        let router = Router(context: ResourceRequestContext.self)
        _ = ProcessMetrics.registry
        router.add(middleware: MetricsMiddleware())
        if settings.metricsListen == nil {
            router.get(RouterPath(MetricsEndpoint.path)) { request, context in MetricsEndpoint.mainPortResponse(request, peer: context.peerAddress) }
        }
        router.add(middleware: TenantMiddleware<ResourceRequestContext>(directory: directory))
        router.add(middleware: ClientAddressMiddleware<ResourceRequestContext>(proxies: settings.trustedProxies))
        let health = try HealthResponse.response(service: "resource-server")
        router.get("/healthz") { _, _ in health }
        let readiness = Readiness(
            service: "resource-server", logger: logger,
            checks: [
                ("database", Readiness.succeeds { _ = try await environment.storage.allTenants() }),
                ("auth_server_keys", { await keys.readiness() }),
            ])
        router.get(RouterPath(Readiness.path)) { _, _ in try await readiness.response() }

        let metadata = router.group().add(middleware: CORSMiddleware(origins: .any, methods: "GET, OPTIONS"))
        let resourcePath = URLComponents(string: tenant.resource)?.path ?? "/mcp"
        for path in Set([ProtectedResourceMetadataLocation.wellKnownPrefix, ProtectedResourceMetadataLocation.wellKnownPrefix + resourcePath]) {
            metadata.get(RouterPath(path)) { _, context in
                guard let tenant = context.tenant else { throw HTTPError(.notFound) }
                let switchedOff = try await environment.features.switchedOff(tenantID: tenant.id)
                // Kept briefly: a module switched off leaves the metadata, and the consent page, within seconds.
                return try JSONResponse.make(
                    ProtectedResourceMetadata(resource: tenant.resource, issuer: tenant.issuer, registry: environment.registry, switchedOff: switchedOff),
                    cacheControl: "max-age=\(Int(FeatureSwitchboard.lifetime))"
                )
            }
            metadata.on(RouterPath(path), method: .options) { _, _ in Response(status: .noContent) }
        }

        // The reference the auth-server's /tools page shows: what tools/list tells any token holder, with every
        // tool's scopes and roles (which the metadata publishes anyway) and the tenant's switches marked.
        metadata.get(RouterPath(ToolReference.path)) { _, context in
            guard let tenant = context.tenant else { throw HTTPError(.notFound) }
            let switchedOff = try await environment.features.switchedOff(tenantID: tenant.id)
            return try JSONResponse.make(environment.registry.reference(switchedOff: switchedOff), cacheControl: "max-age=\(Int(FeatureSwitchboard.lifetime))")
        }

        // `/mcp` and `/mcp/` are both served directly: redirects lose the Authorization header in some clients (docs/clients.md).
        let mcpPath = resourcePath.isEmpty ? "/" : resourcePath
        let mcp = router.group(RouterPath(mcpPath))
            .add(middleware: CORSMiddleware(origins: .only { originGuard.isAllowed($0) }, methods: "POST, OPTIONS"))
            .add(middleware: originGuard)
        mcp.on("", method: .options) { _, _ in Response(status: .noContent) }
        mcp.add(middleware: AuthenticationMiddleware(authenticator: authenticator, challenge: challenge))
            .post("") { request, context in try await endpoint.post(request, context: context) }
        InternalAdminRoutes(
            features: environment.features, serviceDesk: environment.serviceDesk, audit: environment.audit,
            authority: AdminAuthority(elevationWindowSeconds: settings.elevationWindowSeconds)
        ).add(to: router.group().add(middleware: AuthenticationMiddleware(authenticator: authenticator, challenge: challenge)))
        // Every other method gets 405, GET and DELETE on /mcp among them: a stateless server has no standalone SSE
        // stream and no session to end (MCP transports (2025-11-25) § Listening for Messages from the Server,
        // § Session Management; 2026-07-28 § Earlier Streamable HTTP Revisions).
        router.answerUnservedMethods()
        return router
    }

    /// The server, with the revocation-stream follower and the audit pruning running beside it for as long as it runs.
    public static func make(
        environment: ResourceServerEnvironment, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let settings = environment.settings
        guard let credentials = settings.credentials else { throw ResourceServerCredentials.missing(dataDirectory: settings.dataDirectory) }
        let tenant = try defaultTenant(try await environment.storage.allTenants())
        let cache = VerifiedTokenCache()
        let denied = RevocationDenySet()
        let follower = RevocationStreamFollower(
            connect: RevocationStreamFollower.httpConnect(
                AuthServerConnection(authURL: settings.authURL, issuer: tenant.issuer), credentials: credentials), denied: denied,
            cache: cache, logger: logger)
        let tls = try settings.tls.map(ReloadingTLSContext.init)
        let desk = environment.serviceDesk
        var services: [any Service] = [
            follower, AuditPruning(days: settings.auditRetentionDays, logger: logger) { try await desk.pruneAudit(before: $0) },
        ]
        if let tls { services.append(TLSReloadOnHangup(tls: tls, logger: logger)) }
        if let metrics = settings.metricsListen { services.append(MetricsEndpoint.application(listen: metrics)) }
        return Application(
            router: try await router(environment: environment, logger: logger, cache: cache, denied: denied),
            server: .http1(tls: tls),
            configuration: .init(address: .hostname(settings.listen.host, port: settings.listen.port)),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// This server verifies tokens for the default tenant; serving several needs one verifier per tenant.
    static func defaultTenant(_ tenants: [Tenant]) throws -> Tenant {
        guard let tenant = tenants.first(where: { $0.id == Tenant.defaultID }) else { throw HTTPError(.internalServerError) }
        return tenant
    }
}
