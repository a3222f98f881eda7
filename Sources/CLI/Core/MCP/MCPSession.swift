import Foundation

/// The commands' conversation with the MCP endpoint: one 2026-07-28 request at a time, each standing alone, with
/// the bearer token of `Credentials`. A 401 is retried once with a refreshed token; other refusals end the
/// command with what to do (`EndpointRefusal`).
struct MCPSession: Sendable {
    let credentials: Credentials

    /// The `result` of `method`.
    func request(_ method: String, params: [String: Any] = [:]) async throws(CLIFailure) -> [String: Any] {
        let message = MCPHeaders.request(id: 1, method: method, params: params)
        let reply = try await credentials.post(JSONText.data(message), headers: MCPHeaders.forMessage(message, negotiatedVersion: nil))
        if let refusal = EndpointRefusal.classify(reply, url: credentials.url, environmentToken: await credentials.isEnvironmentToken) {
            throw refusal.failure
        }
        guard let answer = EventStream.jsonRPCMessages(of: reply).compactMap(JSONText.object).first(where: { ($0["id"] as? Int) == 1 }) else {
            throw .unreachable("\(credentials.url) gave no answer to \(method) (HTTP \(reply.status)): is it an MCP endpoint?")
        }
        if let error = answer["error"] as? [String: Any] {
            let code = error["code"] as? Int ?? 0
            let text = error["message"] as? String ?? "no message"
            // A personal access token is told where to elevate (-31403): that is a sign-in matter, not a tool error.
            if code == -31403 { throw .notSignedIn(text) }
            throw .toolError("\(method) was refused: \(text)")
        }
        guard let result = answer["result"] as? [String: Any] else { throw .unreachable("\(credentials.url) answered \(method) without a result") }
        return result
    }

    /// Every tool the token may see, following `nextCursor`.
    func tools() async throws(CLIFailure) -> [[String: Any]] {
        var tools: [[String: Any]] = []
        var cursor: String?
        repeat {
            let result = try await request("tools/list", params: cursor.map { ["cursor": $0] } ?? [:])
            tools += result["tools"] as? [[String: Any]] ?? []
            cursor = result["nextCursor"] as? String
        } while cursor != nil && tools.count < 10_000
        return tools
    }
}
