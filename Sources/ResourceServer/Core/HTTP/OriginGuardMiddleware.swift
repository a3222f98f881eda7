import Foundation
import Hummingbird
import Shared
import ToolKit

/// The origins a tenant's MCP endpoint answers: its resource URL's, and those `GATEHOUSE_ALLOWED_ORIGINS` adds.
struct AllowedOrigins: Sendable {
    let allowed: Set<String>

    init(resource: String, extra: [String]) {
        var allowed = Set(extra.map { $0.lowercased() })
        if let origin = URLOrigin.of(resource)?.lowercased() { allowed.insert(origin) }
        self.allowed = allowed
    }

    func contains(_ origin: String) -> Bool { allowed.contains(origin.lowercased()) }
}

/// DNS-rebinding protection for `/mcp` (MCP transports (2025-11-25) § Security Warning): a request that carries an
/// Origin header must come from an origin the tenant its host names allows; requests without one (servers, CLIs)
/// pass.
struct OriginGuardMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: ResourceRequestContext, next: (Request, ResourceRequestContext) async throws -> Response
    ) async throws -> Response {
        if let origin = request.headers.value(.origin), context.gate?.origins.contains(origin) != true {
            return try JSONResponse.make(
                JSONValue.object(["jsonrpc": "2.0", "id": .null, "error": ["code": -32600, "message": .string("Origin \(origin) is not allowed")]]),
                status: .forbidden
            )
        }
        return try await next(request, context)
    }
}
