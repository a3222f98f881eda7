import Foundation
import Hummingbird
import Shared
import ToolKit

/// DNS-rebinding protection for `/mcp` (MCP transports (2025-11-25) § Security Warning): a request that carries an
/// Origin header must come from an allowed origin; requests without one (servers, CLIs) pass.
struct OriginGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let allowed: Set<String>

    init(resource: String, extra: [String]) {
        var allowed = Set(extra.map { $0.lowercased() })
        if let origin = Self.origin(of: resource) { allowed.insert(origin) }
        self.allowed = allowed
    }

    func isAllowed(_ origin: String) -> Bool { allowed.contains(origin.lowercased()) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let origin = request.headers.value(.origin), !isAllowed(origin) {
            return try JSONResponse.make(
                JSONValue.object(["jsonrpc": "2.0", "id": .null, "error": ["code": -32600, "message": .string("Origin \(origin) is not allowed")]]),
                status: .forbidden
            )
        }
        return try await next(request, context)
    }

    static func origin(of url: String) -> String? { URLOrigin.of(url)?.lowercased() }
}
