import Hummingbird
import Shared

/// `WWW-Authenticate: Bearer …` challenges (RFC 6750 §3) pointing at our protected-resource metadata
/// (RFC 9728 §5.1). Clients start sign-in only from a 401, or a 403 with `insufficient_scope`
/// (docs/clients.md § Claude), so authentication is always answered here, before any JSON-RPC dispatch.
public struct BearerChallenge: Sendable {
    public let resourceMetadataURL: String
    /// Scopes named in a 401 when no particular call is known: what the server's tools need at most.
    public let defaultScopes: [String]

    public init(resourceMetadataURL: String, defaultScopes: [String]) {
        self.resourceMetadataURL = resourceMetadataURL
        self.defaultScopes = defaultScopes
    }

    /// 401: no credentials (no `error`, RFC 6750 §3.1) or a bad token (`invalid_token`).
    public func unauthorized(error: BearerAuthenticationError?) -> Response {
        let value = header(error: error.map { _ in "invalid_token" }, description: error?.description, scopes: defaultScopes)
        return response(status: .unauthorized, header: value, error: error == nil ? "unauthorized" : "invalid_token",
            description: error?.description ?? "This MCP server needs an access token")
    }

    /// 403 `insufficient_scope` naming every scope the call needs, in one challenge (MCP authorization spec
    /// (2025-11-25) § Runtime Insufficient Scope Errors).
    public func insufficientScope(needed: [String], description: String) -> Response {
        response(status: .forbidden, header: header(error: "insufficient_scope", description: description, scopes: needed),
            error: "insufficient_scope", description: description)
    }

    func header(error: String?, description: String?, scopes: [String]) -> String {
        var parameters: [String] = []
        if let error { parameters.append("error=\"\(error)\"") }
        if let description { parameters.append("error_description=\"\(description)\"") }
        parameters.append("resource_metadata=\"\(resourceMetadataURL)\"")
        if !scopes.isEmpty { parameters.append("scope=\"\(scopes.joined(separator: " "))\"") }
        return "Bearer " + parameters.joined(separator: ", ")
    }

    private func response(status: HTTPResponse.Status, header: String, error: String, description: String) -> Response {
        let body = ["error": error, "error_description": description]
        // Encoding a two-string dictionary cannot fail.
        return (try? JSONResponse.make(body, status: status, headers: [.wwwAuthenticate: header])) ?? Response(status: status)
    }
}
