import Foundation

/// What an HTTP refusal from the MCP endpoint means for the person, and what they should do, in one place for
/// the commands (an exit status and a line on stderr) and the bridge (a JSON-RPC error the host shows).
struct EndpointRefusal: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// 401: no token, or a token the server refused.
        case signedOut
        /// 403 `insufficient_scope`: the scopes the call needs (`mfa` for a second factor).
        case insufficientScope([String])
        /// 429 without a JSON-RPC answer.
        case rateLimited
        /// 502, 503, 504, or anything else from 500 up.
        case unavailable
        /// 404 or 405: not an MCP endpoint.
        case notMCP
        /// Any other 4xx.
        case refused
    }

    let kind: Kind
    let message: String

    /// nil for answers that carry the call's JSON-RPC result or error.
    static func classify(_ reply: HTTPExchange.Reply, url: String, environmentToken: Bool) -> EndpointRefusal? {
        let challenge = BearerParameters(reply.header("WWW-Authenticate") ?? "")
        let description = challenge["error_description"] ?? reply.json?["error_description"] as? String
        let retry = reply.header("Retry-After").map { " in \($0) s" } ?? " later"
        switch reply.status {
        case 200..<300: return nil
        case 401:
            if environmentToken {
                return .init(
                    kind: .signedOut,
                    message: "\(url) refused GATEHOUSE_TOKEN (\(description ?? "no reason given")): "
                        + "check the token, or unset GATEHOUSE_TOKEN to use your login")
            }
            return .init(
                kind: .signedOut,
                message: "not signed in to \(url), or the sign-in has ended (\(description ?? "the token was refused")): run gatehouse login \(url)")
        case 403 where challenge["error"] == "insufficient_scope":
            let scopes = (challenge["scope"] ?? "").split(separator: " ").map(String.init)
            if scopes.contains("mfa") {
                return .init(
                    kind: .insufficientScope(scopes),
                    message: "this needs a second factor entered recently: run gatehouse elevate --url \(url), then try again")
            }
            let needed = scopes.joined(separator: " ")
            return .init(
                kind: .insufficientScope(scopes), message: "the token lacks the scopes \(needed): run gatehouse login \(url) --scope \"\(needed)\"")
        case 404, 405:
            return .init(kind: .notMCP, message: "\(url) answered HTTP \(reply.status): it is not an MCP endpoint; check the URL")
        case 429 where !carriesJSONRPC(reply):
            return .init(kind: .rateLimited, message: "\(url) is rate limiting these calls: try again\(retry)")
        case 500...:
            if carriesJSONRPC(reply), reply.status < 502 { return nil }
            return .init(kind: .unavailable, message: "\(url) is unavailable (HTTP \(reply.status)): try again\(retry)")
        default:
            if carriesJSONRPC(reply) { return nil }
            return .init(kind: .refused, message: "\(url) refused the request (HTTP \(reply.status))\(description.map { ": \($0)" } ?? "")")
        }
    }

    /// Whether the answer's body is a JSON-RPC message, which then says more than the status does.
    static func carriesJSONRPC(_ reply: HTTPExchange.Reply) -> Bool {
        EventStream.jsonRPCMessages(of: reply).contains { (JSONText.object($0)?["jsonrpc"] as? String) == "2.0" }
    }

    var failure: CLIFailure {
        switch kind {
        case .signedOut, .insufficientScope: .notSignedIn(message)
        case .unavailable: .unreachable(message)
        case .notMCP: .usage(message)
        case .rateLimited, .refused: .toolError(message)
        }
    }

    /// The JSON-RPC error code the bridge answers with: outside JSON-RPC's reserved range and MCP's, like the
    /// resource-server's own (-31403, -31429), with the HTTP status in it.
    var jsonRPCCode: Int {
        switch kind {
        case .signedOut: -31401
        case .insufficientScope: -31403
        case .rateLimited: -31429
        case .unavailable: -31503
        case .notMCP: -31404
        case .refused: -31400
        }
    }
}

/// The auth-params of a `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3), by name.
struct BearerParameters {
    private var values: [String: String] = [:]

    init(_ header: String) {
        var rest = Substring(header)
        guard rest.lowercased().hasPrefix("bearer") else { return }
        rest = rest.dropFirst(6)
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " ,")).lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let character = rest.first, character != "\"" {
                    if character == "\\", rest.count > 1 {
                        rest = rest.dropFirst()
                    }
                    value.append(rest.first!)
                    rest = rest.dropFirst()
                }
                rest = rest.dropFirst()
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end].trimmingCharacters(in: .whitespaces)
                rest = rest[end...]
            }
            values[name] = value
        }
    }

    subscript(_ name: String) -> String? { values[name] }
}
