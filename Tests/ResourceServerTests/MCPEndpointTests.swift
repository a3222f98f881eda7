import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

@Suite("MCP endpoint: handshake era (2025-03-26 to 2025-11-25)")
struct HandshakeEraTests {
    @Test("initialize echoes a version we serve, else offers our latest; no session id is minted", arguments: [
        ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"), ("2024-01-01", "2025-11-25"),
    ])
    func initialize(requested: String, expected: String) async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(
                #"{"jsonrpc":"2.0","id":7,"method":"initialize","params":{"protocolVersion":"\#(requested)","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
                token: token)
            #expect(response.status == .ok)
            #expect(response.json?["id"] == 7)
            #expect(response.json?["result"]?["protocolVersion"] == .string(expected))
            #expect(response.json?["result"]?["capabilities"]?["tools"] != nil)
            #expect(response.headers[HTTPField.Name("Mcp-Session-Id")!] == nil)
        }
    }

    @Test("ping answers {}; notifications and responses get 202 with no body")
    func pingAndNotifications() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let ping = try await client.mcp(#"{"jsonrpc":"2.0","id":"p","method":"ping"}"#, token: token)
            #expect(ping.json?["result"] == [:])
            for body in [#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, #"{"jsonrpc":"2.0","id":3,"result":{}}"#] {
                let response = try await client.mcp(body, token: token)
                #expect(response.status == .accepted)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test("a missing or newer-dated MCP-Protocol-Version header is tolerated; nonsense is 400", arguments: [
        (nil as String?, HTTPResponse.Status.ok), ("2026-07-28", .ok), ("2025-11-25", .ok), ("banana", .badRequest),
    ])
    func protocolVersionHeader(header: String?, status: HTTPResponse.Status) async throws {
        let house = try await TestHouse()
        let token = try house.token()
        var fields: HTTPFields = [:]
        if let header { fields[MCPEndpoint.Header.protocolVersion] = header }
        let headers = fields
        try await house.test { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: token, headers: headers)
            #expect(response.status == status)
        }
    }

    @Test("batches only in 2025-03-26, answered as an array without the notifications")
    func batches() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let batch = #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/x"},{"jsonrpc":"2.0","id":2,"method":"nope"}]"#
        try await house.test { client in
            let old = try await client.mcp(batch, token: token)
            #expect(old.status == .ok)
            guard case .array(let replies)? = old.json else { Issue.record("not an array: \(old.text)"); return }
            #expect(replies.count == 2)
            #expect(replies[0]["id"] == 1 && replies[0]["result"] == [:])
            #expect(replies[1]["error"]?["code"] == .int(-32601))

            let newer = try await client.mcp(batch, token: token, headers: [MCPEndpoint.Header.protocolVersion: "2025-06-18"])
            #expect(newer.status == .badRequest)
            #expect(newer.errorCode == -32600)
            #expect(try await client.mcp("[]", token: token).errorCode == -32600)
        }
    }

    static let malformedBodies: [(String, Int64)] = [
        ("{", -32700), ("", -32700), ("42", -32600), (#"{"id":1,"method":"ping"}"#, -32600),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, -32600), (#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#, -32600),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#, -32600), (#"{"jsonrpc":"2.0","id":1}"#, -32600),
        (String(repeating: "[", count: 3000), -32700),
    ]

    @Test("Malformed bodies get the right JSON-RPC error, never a crash", arguments: malformedBodies)
    func malformed(body: String, code: Int64) async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(body, token: token)
            #expect(response.errorCode == code, "\(response.text)")
            #expect(response.status == .badRequest)
        }
    }

    @Test("Unknown methods are -32601; in the handshake era with HTTP 200")
    func unknownMethod() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"resources/list"}"#, token: token)
            #expect(response.status == .ok)
            #expect(response.errorCode == -32601)
        }
    }
}

@Suite("MCP endpoint: 2026-07-28 era")
struct ModernEraTests {
    @Test("server/discover lists both eras' versions, capabilities, server info and caching fields")
    func discover() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let (body, headers) = modern("server/discover")
        try await house.test { client in
            let response = try await client.mcp(body, token: token, headers: headers)
            #expect(response.status == .ok)
            let result = try #require(response.json?["result"])
            #expect(result["supportedVersions"] == ["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"])
            #expect(result["resultType"] == "complete")
            #expect(result["capabilities"]?["tools"] != nil)
            #expect(result["_meta"]?[ProtocolVersions.serverInfoKey]?["name"] == "gatehouse")
            #expect(result["ttlMs"] != nil && result["cacheScope"] != nil)
        }
    }

    @Test("tools/list and tools/call carry resultType; the list is private to the token")
    func listAndCall() async throws {
        let house = try await TestHouse()
        let token = try house.token(scope: "things:read")
        try await house.test { client in
            let (listBody, listHeaders) = modern("tools/list")
            let list = try await client.mcp(listBody, token: token, headers: listHeaders)
            #expect(list.json?["result"]?["resultType"] == "complete")
            #expect(list.json?["result"]?["cacheScope"] == "private")
            let (callBody, callHeaders) = modern("tools/call", params: ["name": "whoami", "arguments": [:]])
            let call = try await client.mcp(callBody, token: token, headers: callHeaders)
            #expect(call.json?["result"]?["resultType"] == "complete")
            #expect(call.json?["result"]?["structuredContent"]?["scopes"] == ["things:read"])
        }
    }

    @Test("headers that disagree with the body are 400 with -32020", arguments: [
        MCPEndpoint.Header.method, MCPEndpoint.Header.protocolVersion, MCPEndpoint.Header.name,
    ])
    func headerMismatch(header: HTTPField.Name) async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let (body, valid) = modern("tools/call", params: ["name": "whoami"])
        var wrong = valid
        wrong[header] = "something-else"
        var absent = valid
        absent[header] = nil
        try await house.test { [wrong, absent] client in
            let response = try await client.mcp(body, token: token, headers: wrong)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == -32020)
            let missing = try await client.mcp(body, token: token, headers: absent)
            #expect(missing.errorCode == -32020)
        }
    }

    @Test("a routing header sent twice is -32020, even when both copies agree with the body")
    func duplicatedHeader() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let (body, valid) = modern("tools/list")
        var headers = valid
        headers.append(HTTPField(name: MCPEndpoint.Header.method, value: "tools/list"))
        try await house.test { [headers] client in
            let response = try await client.mcp(body, token: token, headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == -32020)
        }
    }

    @Test("Mcp-Name may arrive base64-encoded")
    func base64Name() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let (body, plain) = modern("tools/call", params: ["name": "whoami"])
        var headers = plain
        headers[MCPEndpoint.Header.name] = "=?base64?" + Data("whoami".utf8).base64EncodedString() + "?="
        try await house.test { [headers] client in
            let response = try await client.mcp(body, token: token, headers: headers)
            #expect(response.status == .ok, "\(response.text)")
        }
    }

    @Test("An unknown version is 400 with -32022 listing what we support")
    func unsupportedVersion() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let (body, headers) = modern("server/discover", version: "2027-01-01")
        try await house.test { client in
            let response = try await client.mcp(body, token: token, headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == -32022)
            #expect(response.json?["error"]?["data"]?["supported"] == .array(ProtocolVersions.all.map(JSONValue.string)))
        }
    }

    @Test("A missing envelope is -32602; an unknown or removed method is 404 with -32601")
    func envelopeAndMethods() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let bare = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}"#, token: token,
                headers: [MCPEndpoint.Header.protocolVersion: "2026-07-28", MCPEndpoint.Header.method: "server/discover"])
            #expect(bare.status == .badRequest)
            #expect(bare.errorCode == -32602)
            for method in ["ping", "initialize", "resources/list"] {
                let (body, headers) = modern(method)
                let response = try await client.mcp(body, token: token, headers: headers)
                #expect(response.status == .notFound, "\(method)")
                #expect(response.errorCode == -32601)
            }
            let batch = try await client.mcp("[" + modern("tools/list").0 + "]", token: token)
            guard case .array(let replies)? = batch.json else { Issue.record("not an array"); return }
            #expect(replies.first?["error"]?["code"] == .int(-32600))
        }
    }
}

@Suite("MCP endpoint: HTTP rules")
struct HTTPRulesTests {
    @Test("Wrong content type is 415; an Accept without JSON or SSE is 406; JSON is never refused")
    func negotiation() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let body = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#)
        try await house.test { client in
            let plain = try await client.execute(
                uri: "/mcp", method: .post, headers: [.authorization: "Bearer \(token)", .contentType: "text/plain"], body: body)
            #expect(plain.status == .unsupportedMediaType)
            let html = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, headers: [.accept: "text/html"])
            #expect(html.status == .notAcceptable)
            for accept in ["application/json", "*/*", "application/json;q=0.9", "application/json, text/event-stream"] {
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, headers: [.accept: accept])
                #expect(response.headers[.contentType] == "application/json", "\(accept)")
            }
            let charset = try await client.execute(
                uri: "/mcp", method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "application/json; charset=utf-8"], body: body)
            #expect(charset.status == .ok)
        }
    }

    @Test("A client that accepts only SSE gets one event with the response")
    func eventStream() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(
                #"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, headers: [.accept: "text/event-stream"])
            #expect(response.headers[.contentType] == "text/event-stream")
            #expect(response.text == "event: message\ndata: {\"id\":1,\"jsonrpc\":\"2.0\",\"result\":{}}\n\n")
        }
    }

    @Test("A body over the limit is 413, whether or not Content-Length tells")
    func tooLarge() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        let huge = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":""# + String(repeating: "x", count: TestHouse.maxBodyBytes) + #""}}}"#
        try await house.test { client in
            let response = try await client.mcp(huge, token: token)
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test("GET, DELETE and the rest are 405 with Allow on /mcp and the metadata; an unknown path is still 404")
    func otherMethods() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            for method in [HTTPRequest.Method.get, .delete, .put, .patch] {
                let response = try await client.execute(uri: "/mcp", method: method)
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "OPTIONS, POST")
            }
            let metadata = try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .post)
            #expect(metadata.status == .methodNotAllowed && metadata.headers[.allow] == "GET, OPTIONS")
            #expect(try await client.execute(uri: "/nothing-here", method: .get).status == .notFound)
        }
    }

    @Test("/mcp/ is served directly")
    func trailingSlash() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, path: "/mcp/")
            #expect(response.status == .ok)
        }
    }

    @Test("a foreign Origin is 403; hosted connectors' origins pass and get CORS headers")
    func origins() async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let evil = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, headers: [.origin: "https://evil.example"])
            #expect(evil.status == .forbidden)
            for origin in ["https://claude.ai", "https://chatgpt.com", "https://acme.example.com"] {
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: token, headers: [.origin: origin])
                #expect(response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == origin)
                #expect(response.headers[.accessControlExposeHeaders]?.contains("WWW-Authenticate") == true)
            }
            let preflight = try await client.execute(
                uri: "/mcp", method: .options,
                headers: [.origin: "https://claude.ai", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Mcp-Method") == true)
            let foreign = try await client.execute(
                uri: "/mcp", method: .options, headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(foreign.headers[.accessControlAllowOrigin] == nil)
            let unauthenticated = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#, token: nil, headers: [.origin: "https://claude.ai"])
            #expect(unauthenticated.status == .unauthorized)
            #expect(unauthenticated.headers[.accessControlAllowOrigin] == "https://claude.ai")
        }
    }

    @Test("RFC 9728: protected-resource metadata is identical at both paths and readable cross-origin")
    func metadata() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let root = try await client.execute(uri: "/.well-known/oauth-protected-resource", method: .get, headers: [.origin: "https://x.example"])
            let path = try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .get)
            #expect(root.status == .ok && path.status == .ok)
            #expect(root.body == path.body)
            #expect(root.headers[.accessControlAllowOrigin] == "*")
            let document = try #require(root.json)
            #expect(document["resource"] == .string(TestHouse.resource))
            #expect(document["authorization_servers"] == [.string(TestHouse.issuer)])
            #expect(document["bearer_methods_supported"] == ["header"])
            #expect(document["scopes_supported"] == ["things:read"])
            // Each tool with its scopes and kind, for whoever must say what a grant allows.
            #expect(document["gatehouse_tools"]?.arrayValues.first { $0["name"] == "list_things" } == ["name": "list_things", "scopes": ["things:read"], "kind": "read"])
            #expect(document["gatehouse_tools"]?.arrayValues.count == TestHouse.tools.count)
            let listed = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: try house.token(scope: "things:read"))
            let things = listed.json?["result"]?["tools"]?.arrayValues.first { $0["name"] == "list_things" }
            #expect(things?["_meta"] == ["gatehouse/scopes": ["things:read"], "gatehouse/kind": "read"])
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
        }
    }
}
