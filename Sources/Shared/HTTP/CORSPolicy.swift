import Hummingbird

/// CORS for browser-based MCP clients such as MCP Inspector (docs/clients.md § MCP Inspector): metadata documents are
/// readable from any origin; the MCP endpoint answers only origins it trusts. No credentials either way:
/// tokens travel in the Authorization header, never in cookies.
public struct CORSMiddleware<Context: RequestContext>: RouterMiddleware {
    public enum Origins: Sendable {
        case any
        /// Whether the origin is trusted for this request (the tenant its host names may decide).
        case only(@Sendable (String, Context) -> Bool)
    }

    static var allowedHeaders: String {
        "Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Mcp-Method, Mcp-Name, Last-Event-ID"
    }
    static var exposedHeaders: String { "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version" }

    let origins: Origins
    let methods: String

    public init(origins: Origins, methods: String = "GET, POST, OPTIONS") {
        self.origins = origins
        self.methods = methods
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers.value(.origin) else { return try await next(request, context) }
        let allowOrigin: String?
        switch origins {
        case .any: allowOrigin = "*"
        case .only(let isAllowed): allowOrigin = isAllowed(origin, context) ? origin : nil
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [:]
            if let allowOrigin {
                headers[.accessControlAllowOrigin] = allowOrigin
                headers[.accessControlAllowMethods] = methods
                headers[.accessControlAllowHeaders] = Self.allowedHeaders
                headers[.accessControlMaxAge] = "86400"
                if allowOrigin != "*" { headers[.vary] = "Origin" }
            }
            return Response(status: .noContent, headers: headers)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        if let allowOrigin {
            response.headers[.accessControlAllowOrigin] = allowOrigin
            response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
            if allowOrigin != "*" { response.headers[.vary] = "Origin" }
        }
        return response
    }
}
