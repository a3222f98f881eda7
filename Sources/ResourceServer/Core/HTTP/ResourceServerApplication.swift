import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Shared

/// Builds the resource-server's HTTP application: metadata, health, and the MCP endpoint behind the
/// origin guard and bearer authentication.
public enum ResourceServerApplication {
    /// - Parameters:
    ///   - keyFetch: how to get a tenant's keys; by default its issuer's JWKS over HTTP.
    ///   - introspector: how personal access tokens are checked; by default at the auth-server with this server's
    ///     credentials (none configured: every personal access token is unavailable).
    ///   - gates: the tenants served; by default the stored ones (`make` keeps its gates current).
    public static func router(
        environment: ResourceServerEnvironment, logger: Logger, keyFetch: (@Sendable (Tenant) -> RemoteKeySet.Fetch)? = nil,
        introspector: TokenIntrospector? = nil, gates: TenantGates? = nil
    ) async throws -> Router<ResourceRequestContext> {
        let settings = environment.settings
        let gates = if let gates { gates } else { try await storedGates(environment, logger: logger, keyFetch: keyFetch, introspector: introspector) }
        let gate = CallGate(
            registry: environment.registry, authority: ToolAuthority(elevationWindowSeconds: settings.elevationWindowSeconds),
            rateLimits: environment.rateLimits, audit: environment.audit)
        let endpoint = MCPEndpoint(
            gate: gate, dispatcher: MCPDispatcher(registry: environment.registry, gate: gate), maxBodyBytes: settings.maxBodyBytes,
            features: environment.features
        )

        let router = Router(context: ResourceRequestContext.self)
        _ = ProcessMetrics.registry
        router.add(middleware: RequestMetricsMiddleware())
        if settings.metricsListen == nil {
            router.get(RouterPath(MetricsEndpoint.path)) { request, context in MetricsEndpoint.mainPortResponse(request, peer: context.peerAddress) }
        }
        router.add(middleware: TenantGateMiddleware(gates: gates))
        router.add(middleware: ClientAddressMiddleware<ResourceRequestContext>(proxies: settings.trustedProxies))
        let health = try HealthResponse.response(service: "resource-server")
        router.get("/healthz") { _, _ in health }
        let readiness = Readiness(
            service: "resource-server", logger: logger,
            checks: [
                ("database", Readiness.succeeds { _ = try await environment.storage.allTenants() }),
                ("auth_server_keys", { await keysReadiness(gates) }),
            ])
        router.get(RouterPath(Readiness.path)) { _, _ in try await readiness.response() }

        let metadata = router.group().add(middleware: CORSMiddleware(origins: .any, methods: "GET, OPTIONS"))
        let resourcePath = mcpPath(settings)
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
            .add(middleware: CORSMiddleware(origins: .only { origin, context in context.gate?.origins.contains(origin) == true }, methods: "POST, OPTIONS"))
            .add(middleware: OriginGuardMiddleware())
        mcp.on("", method: .options) { _, _ in Response(status: .noContent) }
        mcp.add(middleware: AuthenticationMiddleware())
            .post("") { request, context in try await endpoint.post(request, context: context) }
        InternalAdminRoutes(
            features: environment.features, serviceDesk: environment.serviceDesk, audit: environment.audit,
            authority: AdminAuthority(elevationWindowSeconds: settings.elevationWindowSeconds)
        ).add(to: router.group().add(middleware: AuthenticationMiddleware()))
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
        let gates = try await storedGates(environment, logger: logger, keyFetch: nil, introspector: nil)
        let tenants = TenantListFollower(
            gates: gates, storage: environment.storage, client: TenantListClient(authURL: settings.authURL, credentials: credentials),
            configured: settings.configuredTenant, mcpPath: mcpPath(settings), logger: logger)
        let tls = try settings.tls.map(ReloadingTLSContext.init)
        let desk = environment.serviceDesk
        var services: [any Service] = [
            tenants, AuditPruning(days: settings.auditRetentionDays, logger: logger) { try await desk.pruneAudit(before: $0) },
        ]
        if let tls { services.append(TLSReloadOnHangup(tls: tls, logger: logger)) }
        if let metrics = settings.metricsListen { services.append(MetricsEndpoint.application(listen: metrics)) }
        return Application(
            router: try await router(environment: environment, logger: logger, gates: gates),
            server: .http1(tls: tls),
            configuration: .init(address: .hostname(settings.listen.host, port: settings.listen.port)),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// The tenants stored (those the auth-server listed last, or this server's own), each with its gate.
    static func storedGates(
        _ environment: ResourceServerEnvironment, logger: Logger, keyFetch: (@Sendable (Tenant) -> RemoteKeySet.Fetch)?, introspector: TokenIntrospector?
    ) async throws -> TenantGates {
        let factory = TenantGate.factory(
            settings: environment.settings, defaultScopes: environment.registry.allScopes, logger: logger, keyFetch: keyFetch, introspector: introspector)
        return TenantGates(tenants: try await environment.storage.allTenants(), make: factory)
    }

    /// Every tenant's MCP endpoint is at the same path, the one this server's own resource URL has.
    static func mcpPath(_ settings: ResourceServerSettings) -> String {
        URLComponents(string: settings.resource)?.path ?? "/mcp"
    }

    /// Ready when every served tenant's keys can be had.
    static func keysReadiness(_ gates: TenantGates) async -> String? {
        for gate in gates.all {
            if let problem = await gate.keys.readiness() { return gates.all.count == 1 ? problem : "tenant \(gate.tenant.id): \(problem)" }
        }
        return nil
    }
}
