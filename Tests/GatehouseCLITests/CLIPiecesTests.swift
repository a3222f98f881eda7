import Foundation
import NIOHTTP1
import QRCode
import Testing

@testable import GatehouseCLICore

@Suite("Tool arguments from the command line")
struct ToolArgumentsTests {
    static var schema: [String: Any] { [
        "type": "object",
        "properties": [
            "ticket_id": ["type": "string"], "limit": ["type": "integer"], "ratio": ["type": "number"], "dry_run": ["type": "boolean"],
            "tags": ["type": "array"], "filter": ["type": "object"], "note": ["type": ["string", "null"]],
        ],
    ] }

    @Test("each value is read as its schema type")
    func typed() throws {
        let arguments = try ToolArguments.object(
            fromPairs: ["ticket_id=123", "limit=5", "ratio=2", "dry_run=true", #"tags=["a","b"]"#, #"filter={"x":1}"#, "note=null", "extra=7", "free=some text"],
            schema: Self.schema)
        #expect(arguments["ticket_id"] as? String == "123", "a string stays a string even when it looks like a number")
        #expect(arguments["limit"] as? Int == 5)
        #expect((arguments["ratio"] as? NSNumber)?.doubleValue == 2)
        #expect(arguments["dry_run"] as? Bool == true)
        #expect(arguments["tags"] as? [String] == ["a", "b"])
        #expect((arguments["filter"] as? [String: Any])?["x"] as? Int == 1)
        #expect(arguments["note"] is NSNull)
        #expect(arguments["extra"] as? Int == 7, "a key the schema does not name is JSON when it parses")
        #expect(arguments["free"] as? String == "some text", "…else a string")
        #expect(try ToolArguments.object(fromPairs: ["ticket_id=a=b"], schema: Self.schema)["ticket_id"] as? String == "a=b")
    }

    @Test("malformed pairs and values of the wrong type are usage errors", arguments: ["limit=five", "limit=1.5", "dry_run=yes", "novalue", "=5", "tags={}"])
    func refused(pair: String) {
        #expect(throws: CLIFailure.self) { try ToolArguments.object(fromPairs: [pair], schema: Self.schema) }
        do {
            _ = try ToolArguments.object(fromPairs: [pair], schema: Self.schema)
        } catch {
            #expect(error.status == .usage)
        }
    }

    @Test("a key given twice, and --input that is not an object, are refused")
    func duplicatesAndInput() throws {
        #expect(throws: CLIFailure.usage("limit is given twice")) { try ToolArguments.object(fromPairs: ["limit=1", "limit=2"], schema: Self.schema) }
        #expect(try ToolArguments.object(fromJSON: #"{"limit": 5}"#)["limit"] as? Int == 5)
        for text in ["[1]", "5", "not json", ""] {
            #expect(throws: CLIFailure.self) { try ToolArguments.object(fromJSON: text) }
        }
    }

    @Test("a result prints as its text, other content by kind, or its structured content")
    func resultText() {
        #expect(ToolResultText.render(["content": [["type": "text", "text": "one"], ["type": "text", "text": "two"]]]) == "one\ntwo")
        #expect(ToolResultText.render(["content": [["type": "image", "mimeType": "image/png", "data": "x"]]]) == "[image image/png]")
        #expect(ToolResultText.render(["content": [Any](), "structuredContent": ["a": 1]]).contains(#""a" : 1"#))
    }
}

@Suite("MCP on the wire")
struct MCPWireTests {
    @Test("an event stream yields each event's data, CRLF or LF, multi-line data joined, comments and fields skipped")
    func eventStream() {
        let body = "event: message\r\ndata: {\"a\":1}\r\n\r\n: a comment\nid: 7\ndata: {\"b\":\ndata: 2}\n\nretry: 10\ndata:{\"c\":3}"
        let messages = EventStream.messages(in: Data(body.utf8)).map { String(decoding: $0, as: UTF8.self) }
        #expect(messages == [#"{"a":1}"#, "{\"b\":\n2}", #"{"c":3}"#])
        #expect(EventStream.messages(in: Data()).isEmpty)
    }

    @Test("2026-07-28 messages get the version, method and tool headers; handshake ones the negotiated version after initialize")
    func headers() {
        func names(_ headers: [(String, String)]) -> [String: String] { Dictionary(headers.map { ($0.0, $0.1) }, uniquingKeysWith: { $1 }) }
        let call = MCPHeaders.request(id: 1, method: "tools/call", params: ["name": "get_ticket"])
        let modern = names(MCPHeaders.forMessage(call, negotiatedVersion: "2025-06-18"))
        #expect(modern["MCP-Protocol-Version"] == "2026-07-28" && modern["Mcp-Method"] == "tools/call" && modern["Mcp-Name"] == "get_ticket")
        #expect(modern["Content-Type"] == "application/json" && modern["Accept"] == "application/json, text/event-stream")
        let meta = (call["params"] as? [String: Any])?["_meta"] as? [String: Any]
        #expect(meta?["io.modelcontextprotocol/protocolVersion"] as? String == "2026-07-28")
        #expect(meta?["io.modelcontextprotocol/clientCapabilities"] != nil)

        let list = names(MCPHeaders.forMessage(MCPHeaders.request(id: 2, method: "tools/list"), negotiatedVersion: nil))
        #expect(list["Mcp-Name"] == nil && list["Mcp-Method"] == "tools/list")

        let initialize: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": ["protocolVersion": "2025-11-25"]]
        #expect(names(MCPHeaders.forMessage(initialize, negotiatedVersion: nil))["MCP-Protocol-Version"] == nil)
        let later: [String: Any] = ["jsonrpc": "2.0", "method": "notifications/initialized"]
        #expect(names(MCPHeaders.forMessage(later, negotiatedVersion: "2025-11-25"))["MCP-Protocol-Version"] == "2025-11-25")
        #expect(names(MCPHeaders.forMessage(later, negotiatedVersion: nil))["MCP-Protocol-Version"] == nil)
        #expect(names(MCPHeaders.forMessage(nil, negotiatedVersion: nil)).count == 2, "an unparseable line is forwarded with the basic headers")
    }

    @Test("a tool name that is not plain ASCII goes as =?base64?…?=")
    func headerValue() {
        #expect(MCPHeaders.headerValue("get_ticket") == "get_ticket")
        #expect(MCPHeaders.headerValue("tëst") == "=?base64?dMOrc3Q=?=")
        #expect(MCPHeaders.headerValue(" padded") == "=?base64?IHBhZGRlZA==?=")
    }

    static func reply(_ status: Int, headers: [(String, String)] = [], body: String = "") -> HTTPExchange.Reply {
        HTTPExchange.Reply(status: status, headers: HTTPHeaders(headers), body: Data(body.utf8))
    }

    @Test("refusals from the endpoint say what to do, with the exit status and JSON-RPC code that go with them")
    func refusals() throws {
        let url = "https://acme.example.com/mcp"
        let signedOut = try #require(EndpointRefusal.classify(
            Self.reply(401, headers: [("WWW-Authenticate", #"Bearer error="invalid_token", error_description="The token has expired", resource_metadata="x""#)]),
            url: url, environmentToken: false))
        #expect(signedOut.kind == .signedOut && signedOut.failure.status == .notSignedIn && signedOut.jsonRPCCode == -31401)
        #expect(signedOut.message.contains("The token has expired") && signedOut.message.contains("run gatehouse login \(url)"))
        let environment = try #require(EndpointRefusal.classify(Self.reply(401), url: url, environmentToken: true))
        #expect(environment.message.contains("GATEHOUSE_TOKEN"))

        let mfa = try #require(EndpointRefusal.classify(
            Self.reply(403, headers: [("WWW-Authenticate", #"Bearer error="insufficient_scope", scope="tickets:write mfa""#)]), url: url, environmentToken: false))
        #expect(mfa.kind == .insufficientScope(["tickets:write", "mfa"]) && mfa.message.contains("gatehouse elevate"))
        let scopes = try #require(EndpointRefusal.classify(
            Self.reply(403, headers: [("WWW-Authenticate", #"Bearer error="insufficient_scope", scope="alerts:read""#)]), url: url, environmentToken: false))
        #expect(scopes.message.contains(#"--scope "alerts:read""#) && scopes.failure.status == .notSignedIn)

        let unavailable = try #require(EndpointRefusal.classify(Self.reply(503, headers: [("Retry-After", "7")]), url: url, environmentToken: false))
        #expect(unavailable.kind == .unavailable && unavailable.failure.status == .unreachable && unavailable.message.contains("in 7 s"))
        #expect(EndpointRefusal.classify(Self.reply(404), url: url, environmentToken: false)?.failure.status == .usage)
        #expect(EndpointRefusal.classify(Self.reply(429), url: url, environmentToken: false)?.jsonRPCCode == -31429)
        // Answers that carry JSON-RPC say more than their status: they go to the caller as they are.
        let rateLimited = #"{"jsonrpc":"2.0","id":3,"error":{"code":-31429,"message":"Rate limit"}}"#
        #expect(EndpointRefusal.classify(Self.reply(429, body: rateLimited), url: url, environmentToken: false) == nil)
        #expect(EndpointRefusal.classify(Self.reply(413, body: #"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"too large"}}"#), url: url, environmentToken: false) == nil)
        #expect(EndpointRefusal.classify(Self.reply(200, body: "{}"), url: url, environmentToken: false) == nil)
        #expect(EndpointRefusal.classify(Self.reply(202), url: url, environmentToken: false) == nil)
    }

    @Test("challenge parameters: quoted with escapes, unquoted, any case of the scheme")
    func bearerParameters() {
        let parameters = BearerParameters(#"bearer error="insufficient_scope", error_description="say \"hi\", twice", scope=mfa"#)
        #expect(parameters["error"] == "insufficient_scope")
        #expect(parameters["error_description"] == #"say "hi", twice"#)
        #expect(parameters["scope"] == "mfa")
        #expect(BearerParameters(#"Basic realm="x""#)["realm"] == nil)
    }

    @Test("the bridge passes answers unchanged, but ties an error with id null to the request")
    func tiedAnswers() throws {
        let ok = Data(#"{"jsonrpc":"2.0","id":5,"result":{}}"#.utf8)
        #expect(StdioBridge.tied(ok, to: 5) == ok)
        let orphan = Data(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"too large"}}"#.utf8)
        let tied = try #require(JSONText.object(StdioBridge.tied(orphan, to: "req-1")))
        #expect(tied["id"] as? String == "req-1" && (tied["error"] as? [String: Any])?["code"] as? Int == -32600)
        #expect(StdioBridge.tied(orphan, to: nil) == orphan, "a notification's error stays as it is")
    }

    @Test("lines written by the bridge are whole messages, one a line, with raw line breaks turned to spaces")
    func lineWriter() async throws {
        let pipe = Pipe()
        let writer = LineWriter(handle: pipe.fileHandleForWriting)
        await writer.write(Data("{\n  \"a\": \"x\\ny\"\r\n}".utf8))
        await writer.write(Data(#"{"b":2}"#.utf8))
        try pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text == "{   \"a\": \"x\\ny\"  }\n{\"b\":2}\n")
        let first = try #require(text.split(separator: "\n").first)
        #expect((JSONText.object(Data(first.utf8))?["a"] as? String) == "x\ny", "the message means the same")
    }
}

@Suite("MCP URLs and discovery")
struct AddressTests {
    @Test("https, or http to loopback only; no user info or fragment")
    func check() throws {
        #expect(try MCPAddress.check("https://acme.example.com/mcp") == "https://acme.example.com/mcp")
        #expect(try MCPAddress.check("http://127.0.0.1:9001/mcp") == "http://127.0.0.1:9001/mcp")
        #expect(try MCPAddress.check("http://localhost:9001/mcp") == "http://localhost:9001/mcp")
        for bad in ["http://acme.example.com/mcp", "ftp://x/mcp", "acme.example.com/mcp", "https://user:pw@acme.example.com/mcp", "https://a.example/mcp#x", ""] {
            #expect(throws: CLIFailure.self, "\(bad)") { try MCPAddress.check(bad) }
        }
    }

    @Test("resources compare without regard to scheme and host case or a trailing slash")
    func same() {
        #expect(MCPAddress.same("https://Acme.example.com/mcp/", "HTTPS://acme.example.com/mcp"))
        #expect(!MCPAddress.same("https://acme.example.com/mcp", "https://acme.example.com/MCP"))
    }

    @Test("RFC 8414 §3.1: the well-known segment goes before the issuer's path")
    func metadataURL() {
        #expect(ServerDiscovery.authorizationServerMetadataURL(issuer: "https://acme.example.com") == "https://acme.example.com/.well-known/oauth-authorization-server")
        #expect(ServerDiscovery.authorizationServerMetadataURL(issuer: "https://x.example.com:8443/tenant") == "https://x.example.com:8443/.well-known/oauth-authorization-server/tenant")
    }
}

@Suite("Terminal QR code")
struct TerminalQRCodeTests {
    @Test("the code has the three finder patterns, a quiet zone, and two modules a line in black on white")
    func drawn() throws {
        let text = "http://127.0.0.1:9000/device?user_code=BCDF-GHJK"
        let code = try #require(QRCode(text))
        let width = code.size
        #expect(width >= 21 && (width - 17) % 4 == 0, "a QR symbol is 17 + 4 × version modules wide")
        // Finder patterns (ISO/IEC 18004 § 6.3.3): a dark 7×7 ring, light ring, dark 3×3 core, in three corners.
        for (top, left) in [(0, 0), (0, width - 7), (width - 7, 0)] {
            for row in 0..<7 {
                for column in 0..<7 {
                    let ring = row == 0 || row == 6 || column == 0 || column == 6
                    let core = (2...4).contains(row) && (2...4).contains(column)
                    #expect(code.isDark(row: top + row, column: left + column) == (ring || core), "finder at \(top),\(left): \(row),\(column)")
                }
            }
        }
        let lines = try #require(TerminalQRCode.lines(text))
        let size = width + 2 * TerminalQRCode.quietZone
        #expect(lines.count == (size + 1) / 2)
        for line in lines {
            #expect(line.hasPrefix("\u{1B}[30;47m") && line.hasSuffix("\u{1B}[0m"))
            #expect(line.dropFirst(8).dropLast(4).count == size)
        }
        #expect(lines[0].dropFirst(8).dropLast(4).allSatisfy { $0 == " " }, "the quiet zone is light")
    }
}
