import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

@Suite("Tools: listing, scopes, arguments and failures")
struct ToolTests {
    func call(_ name: String, _ arguments: String = "{}") -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\#(name)","arguments":\#(arguments)}}"#
    }

    @Test("tools/list shows only what the token's scopes allow")
    func listingFollowsScopes() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            for (scope, expected) in [("", ["whoami", "echo", "explode", "crash"]), ("things:read", ["whoami", "list_things", "echo", "explode", "crash"])] {
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: try house.token(scope: scope))
                guard case .array(let tools)? = response.json?["result"]?["tools"] else { Issue.record("no tools"); return }
                #expect(tools.compactMap { $0["name"]?.stringValue } == expected)
                #expect(tools.allSatisfy { $0["inputSchema"]?["type"] == "object" })
            }
        }
    }

    @Test("pagination walks every tool once with opaque cursors; a bad cursor is -32602")
    func pagination() async throws {
        let house = try await TestHouse(pageSize: 2)
        let token = try house.token(scope: "things:read")
        try await house.test { client in
            var names: [String] = []
            var cursor: String?
            repeat {
                let params = cursor.map { #","params":{"cursor":"\#($0)"}"# } ?? ""
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"\#(params)}"#, token: token)
                guard case .array(let tools)? = response.json?["result"]?["tools"] else { Issue.record(Comment(rawValue: response.text)); return }
                #expect(tools.count <= 2)
                names += tools.compactMap { $0["name"]?.stringValue }
                cursor = response.json?["result"]?["nextCursor"]?.stringValue
            } while cursor != nil
            #expect(names == TestHouse.tools.map(\.name))
            for bad in ["nonsense", "c1.bm9wZQ=="] {
                let response = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"\#(bad)"}}"#, token: token)
                #expect(response.errorCode == -32602)
            }
        }
    }

    @Test("calling a tool without its scope is 403 insufficient_scope naming the scope, before dispatch")
    func insufficientScope() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let response = try await client.mcp(call("list_things"), token: try house.token())
            #expect(response.status == .forbidden)
            let challenge = try #require(response.headers[.wwwAuthenticate])
            #expect(challenge.hasPrefix(#"Bearer error="insufficient_scope""#))
            #expect(challenge.contains(#"scope="things:read""#))
            #expect(challenge.contains(#"resource_metadata="https://acme.example.com/.well-known/oauth-protected-resource/mcp""#))
            let allowed = try await client.mcp(call("list_things"), token: try house.token(scope: "things:read"))
            #expect(allowed.json?["result"]?["isError"] == false)
        }
    }

    @Test("unknown tools and non-object arguments are -32602; bad arguments and failures are isError results", arguments: [
        ("nope", "{}", "-32602"), ("whoami", "[1]", "-32602"), ("whoami", #"{"x":1}"#, "arguments.x is not a known argument"),
        ("echo", "{}", "arguments.text is required"), ("echo", #"{"text":5}"#, "arguments.text must be of type string"),
        ("echo", #"{"text":"01234567890"}"#, "arguments.text must be at most 10 characters"),
        ("echo", #"{"text":"a","count":9}"#, "arguments.count must be at most 5"),
        ("echo", #"{"text":"a","count":1.5}"#, "arguments.count must be of type integer"),
        ("explode", "{}", "the thing exploded"), ("crash", "{}", "failed unexpectedly"),
    ])
    func failures(tool: String, arguments: String, expected: String) async throws {
        let house = try await TestHouse()
        let token = try house.token()
        try await house.test { client in
            let response = try await client.mcp(call(tool, arguments), token: token)
            #expect(response.status == .ok)
            if expected == "-32602" {
                #expect(response.errorCode == -32602)
            } else {
                #expect(response.json?["result"]?["isError"] == true)
                let text = response.json?["result"]?["content"]?.arrayFirstText ?? ""
                #expect(text.contains(expected), "\(text)")
            }
        }
    }

    @Test("whoami returns the token's identity as structured content and text")
    func whoami() async throws {
        let house = try await TestHouse()
        try await house.test { client in
            let response = try await client.mcp(call("whoami"), token: try house.token(scope: "things:read"))
            let result = try #require(response.json?["result"])
            #expect(result["structuredContent"] == [
                "subject": "usr_1", "tenant": "default", "client_id": "client-1", "scopes": ["things:read"], "token_kind": "access_token",
                "role": "technician",
            ])
            #expect(result["content"]?.arrayFirstText?.contains("usr_1") == true)
        }
    }

    @Test("tool names follow ^[a-zA-Z0-9_-]{1,64}$", arguments: [
        ("get_ticket-2", true), ("", false), ("a.b", false), ("has space", false), (String(repeating: "a", count: 64), true),
        (String(repeating: "a", count: 65), false), ("é", false),
    ])
    func toolNames(name: String, valid: Bool) {
        #expect(Tool.isValidName(name) == valid)
    }
}

extension JSONValue {
    var arrayFirstText: String? {
        if case .array(let items) = self { return items.first?["text"]?.stringValue }
        return nil
    }
}

/// The elevation window as the resource-server judges it (`GATEHOUSE_ELEVATION_SECONDS`, `Elevation`).
@Suite("Elevation window")
struct ElevationWindowTests {
    static func caller(scope: String, secondFactorAge: Int64?, now: Date) -> Caller {
        let seconds = Int64(now.timeIntervalSince1970)
        return Caller(
            claims: AccessTokenClaims(
                issuer: TestHouse.issuer, subject: "usr_a", audience: TestHouse.resource, clientID: "c", scope: scope, issuedAt: seconds,
                expiresAt: seconds + 60, tokenID: "j", grantID: "g", tenantID: Tenant.defaultID, authTime: secondFactorAge.map { seconds - $0 },
                role: "technician"),
            tokenKind: .accessToken)
    }

    @Test("a high-trust tool is allowed within the configured window and the clock leeway, and asks again after it")
    func window() {
        let tool = Tool(
            name: "close_ticket", title: "Close", description: "d", inputSchema: ["type": "object"], module: nil, requiredScopes: ["tickets:write"], kind: .highTrust
        ) { _ in ToolOutput(structured: [:], text: "") }
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let authority = ToolAuthority(elevationWindowSeconds: 60)
        #expect(authority.verdict(tool, for: Self.caller(scope: "tickets:write mfa", secondFactorAge: 60, now: now), now: now) == .allowed)
        #expect(authority.verdict(tool, for: Self.caller(scope: "tickets:write mfa", secondFactorAge: -30, now: now), now: now) == .allowed)
        #expect(authority.verdict(tool, for: Self.caller(scope: "tickets:write mfa", secondFactorAge: -31, now: now), now: now) != .allowed, "from the future")
        #expect(authority.verdict(tool, for: Self.caller(scope: "tickets:write mfa", secondFactorAge: 61, now: now), now: now)
            == .needsSecondFactor(needed: ["tickets:write", "mfa"]))
        #expect(authority.verdict(tool, for: Self.caller(scope: "tickets:write", secondFactorAge: 5, now: now), now: now)
            == .needsSecondFactor(needed: ["tickets:write", "mfa"]), "a fresh auth_time without the mfa scope is no elevation")
        #expect(ToolAuthority().verdict(tool, for: Self.caller(scope: "tickets:write mfa", secondFactorAge: 900, now: now), now: now) == .allowed)
        #expect(authority.secondFactorNeeded(by: "close_ticket") == "The tool close_ticket needs a second factor entered in the last 1 minute (scope mfa)")
        #expect(Elevation.describe(windowSeconds: 90) == "90 seconds" && Elevation.describe(windowSeconds: 900) == "15 minutes")
    }

    @Test("GATEHOUSE_ELEVATION_SECONDS: 900 by default, 60 to 3600")
    func setting() throws {
        #expect(try ResourceServerSettings.load(environment: [:]).elevationWindowSeconds == 900)
        #expect(try ResourceServerSettings.load(environment: ["GATEHOUSE_ELEVATION_SECONDS": "120"]).elevationWindowSeconds == 120)
        for bad in ["59", "3601", "soon"] {
            #expect(throws: ConfigurationError.self) { try ResourceServerSettings.load(environment: ["GATEHOUSE_ELEVATION_SECONDS": bad]) }
        }
    }
}
