import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Shared
import Synchronization
import Testing

@testable import ResourceServerCore
@testable import ToolKit

/// A resource-server in process with a known signing key standing in for the auth-server's JWKS, and a
/// few test tools beside `whoami` to exercise scopes, arguments and failures.
struct TestHouse {
    static let issuer = "https://acme.example.com"
    static let resource = "https://acme.example.com/mcp"
    static let maxBodyBytes = 4096

    let signingKey = P256.Signing.PrivateKey()
    let keyID = "test-key"
    let environment: ResourceServerEnvironment
    let fetches = Counter()

    static let tools = [
        WhoAmITool.tool,
        Tool(
            name: "list_things", title: "List things", description: "Lists things.",
            inputSchema: ["type": "object", "properties": [:], "additionalProperties": false], module: nil, requiredScopes: ["things:read"], kind: .read
        ) { _ in ToolOutput(structured: ["things": []], text: "none") },
        Tool(
            name: "echo", title: "Echo", description: "Repeats text.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["type": "string", "maxLength": 10], "count": ["type": "integer", "minimum": 1, "maximum": 5]],
                "required": ["text"], "additionalProperties": false,
            ],
            module: nil, requiredScopes: [], kind: .read
        ) { invocation in
            ToolOutput(structured: ["text": invocation.arguments["text"] ?? .null], text: invocation.arguments["text"]?.stringValue ?? "")
        },
        Tool(
            name: "explode", title: "Explode", description: "Always fails.", inputSchema: ["type": "object"], module: nil, requiredScopes: [], kind: .write
        ) { _ in throw ToolError("the thing exploded") },
        Tool(
            name: "crash", title: "Crash", description: "Fails unexpectedly.", inputSchema: ["type": "object"], module: nil, requiredScopes: [], kind: .write
        ) { _ in throw CocoaError(.fileNoSuchFile) },
    ]

    /// What the house would present to an auth-server's internal endpoints.
    static let credentials = ResourceServerCredentials(clientID: "gatehouse-resource-server", clientSecret: "gatehouse_cs_test")

    init(
        pageSize: Int = 100, rateLimits: ToolRateLimits.Limits = ToolRateLimits.Limits(readsPerMinute: 100_000, writesPerMinute: 100_000),
        tools: [Tool] = TestHouse.tools
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rs-test-\(UUID().uuidString)").path
        let settings = ResourceServerSettings(
            listen: ListenAddress(host: "127.0.0.1", port: 0), resource: Self.resource, issuer: Self.issuer, dataDirectory: directory,
            maxBodyBytes: Self.maxBodyBytes, rateLimits: rateLimits, credentials: Self.credentials
        )
        environment = try await ResourceServerEnvironment.open(settings, registry: ToolRegistry(tools: tools, pageSize: pageSize))
    }

    var keyFetch: RemoteKeySet.Fetch {
        let key = signingKey.publicKey
        let keyID = keyID
        let fetches = fetches
        return {
            fetches.increment()
            return [keyID: key]
        }
    }

    func token(
        scope: String = "", audience: String = Self.resource, tenant: String = Tenant.defaultID, expiresIn: Int64 = 600, grantID: String = "grant-1",
        subject: String = "usr_1", issuedAt: Int64? = nil, authTime: Int64? = nil, role: String = "technician"
    ) throws -> String {
        let now = issuedAt ?? Int64(Date().timeIntervalSince1970)
        let claims = AccessTokenClaims(
            issuer: Self.issuer, subject: subject, audience: audience, clientID: "client-1", scope: scope, issuedAt: now,
            expiresAt: now + expiresIn, tokenID: UUID().uuidString, grantID: grantID, tenantID: tenant, authTime: authTime, role: role
        )
        return try AccessTokenSigner(keyID: keyID, privateKey: signingKey).sign(claims)
    }

    func test(introspector: TokenIntrospector = .unavailable, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = try await ResourceServerApplication.router(
            environment: environment, logger: Logger(label: "test"), keyFetch: { [keyFetch] _ in keyFetch }, introspector: introspector)
        try await Application(router: router).test(.router, body)
    }
}

final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}


extension TestClientProtocol {
    /// POSTs a JSON-RPC body to /mcp with a token and handshake-era headers unless told otherwise.
    func mcp(_ body: String, token: String?, headers extra: HTTPFields = [:], path: String = "/mcp") async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .accept: "application/json, text/event-stream"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        // Extra fields replace the defaults of their name and are otherwise appended, so a test can repeat a header.
        for name in Set(extra.map(\.name)) { headers[name] = nil }
        headers.append(contentsOf: extra)
        return try await execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) }
    var errorCode: Int64? {
        if case .int(let code)? = json?["error"]?["code"] { return code }
        return nil
    }
    var text: String { String(buffer: body) }
}

/// A 2026-07-28 request body and its matching headers.
func modern(_ method: String, id: Int = 1, params: [String: JSONValue] = [:], version: String = "2026-07-28") -> (String, HTTPFields) {
    var params = params
    params["_meta"] = [ProtocolVersions.metaKey: .string(version), ProtocolVersions.clientCapabilitiesKey: [:]]
    let body: JSONValue = ["jsonrpc": "2.0", "id": .int(Int64(id)), "method": .string(method), "params": .object(params)]
    var headers: HTTPFields = [MCPEndpoint.Header.protocolVersion: version, MCPEndpoint.Header.method: method]
    if let name = params["name"]?.stringValue { headers[MCPEndpoint.Header.name] = name }
    return (String(decoding: try! JSONResponse.encoder.encode(body), as: UTF8.self), headers)
}
