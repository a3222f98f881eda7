import Hummingbird
import Logging
import Shared

/// Builds the auth-server's HTTP application: routes, middleware and the tenant directory.
public enum AuthServerApplication {
    public static func router(environment: AuthServerEnvironment) async throws -> Router<AuthRequestContext> {
        let tenants = try await environment.storage.allTenants()
        let router = Router(context: AuthRequestContext.self)
        router.add(middleware: TenantMiddleware<AuthRequestContext>(directory: TenantDirectory(tenants: tenants, url: \.issuer)))
        router.add(middleware: CORSMiddleware(origins: .any, methods: "GET, OPTIONS"))
        PageRoutes.add(to: router, pages: try await PageServices(storage: environment.storage))

        router.get(RouterPath(AuthServerPaths.health)) { _, _ in
            try JSONResponse.make(HealthResponse(service: "auth-server"))
        }
        router.get(RouterPath(AuthServerPaths.metadata)) { _, context in
            try JSONResponse.make(AuthorizationServerMetadata(issuer: try context.requireTenant().issuer), cacheControl: "max-age=300")
        }
        router.get(RouterPath(AuthServerPaths.jwks)) { _, context in
            let keys = try await environment.keyRing.publishedKeys(tenantID: try context.requireTenant().id)
            // Short cache: a rotation is picked up within a minute, and verifiers refetch on an unknown kid.
            return try JSONResponse.make(keys, cacheControl: "max-age=60")
        }
        return router
    }

    public static func make(
        environment: AuthServerEnvironment, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        Application(
            router: try await router(environment: environment),
            configuration: .init(address: .hostname(environment.settings.listen.host, port: environment.settings.listen.port)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }
}
