import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing

@testable import ResourceServerCore
@testable import ToolKit

/// Tenant feature switches: a switched-off module's tools leave tools/list (both eras), the metadata and its
/// scopes (a scope only when no offered tool needs it), the reference marks them, and a call of one anyway is a
/// tool error naming the switch, audited `switched_off`.
@Suite("Feature switches")
struct FeatureSwitchTests {
    static func tool(_ name: String, _ module: ToolModule?, _ scopes: [String]) -> Tool {
        Tool(
            name: name, title: name, description: "A \(name).", inputSchema: ["type": "object", "properties": [:], "additionalProperties": false],
            module: module, requiredScopes: scopes, kind: .read
        ) { _ in ToolOutput(structured: [:], text: "ran \(name)") }
    }

    /// billing:read is needed by a billing tool and by a customers tool, so it stays until both are off.
    static let tools = [
        WhoAmITool.tool, tool("list_bills", .billing, ["billing:read"]), tool("customer_bills", .customers, ["customers:read", "billing:read"]),
        tool("list_tickets", .tickets, ["tickets:read"]),
    ]
    static let everyScope = "billing:read customers:read tickets:read"

    @Test("The registry offers, lists and publishes scopes without the switched-off modules; whoami is never switched off")
    func registryFiltering() throws {
        let registry = ToolRegistry(tools: Self.tools)
        #expect(registry.offered(switchedOff: []).map(\.name) == Self.tools.map(\.name))
        #expect(registry.offered(switchedOff: [.billing]).map(\.name) == ["whoami", "customer_bills", "list_tickets"])
        #expect(registry.scopes(switchedOff: [.billing]) == ["billing:read", "customers:read", "tickets:read"], "customer_bills still needs billing:read")
        #expect(registry.scopes(switchedOff: [.billing, .customers]) == ["tickets:read"])
        #expect(registry.offered(switchedOff: Set(ToolModule.allCases)).map(\.name) == ["whoami"])
        #expect(registry.allScopes == ["billing:read", "customers:read", "tickets:read"])
        let metadata = ProtectedResourceMetadata(resource: TestHouse.resource, issuer: TestHouse.issuer, registry: registry, switchedOff: [.billing, .customers])
        #expect(metadata.scopesSupported == ["tickets:read"] && metadata.tools.map(\.name) == ["whoami", "list_tickets"])
        let reference = registry.reference(switchedOff: [.billing])
        #expect(reference.tools.filter(\.switchedOff).map(\.name) == ["list_bills"])
    }

    @Test("Over HTTP: tools/list in both eras, the metadata and the reference follow the switches, and a call anyway is a tool error audited switched_off")
    func overHTTP() async throws {
        let house = try await TestHouse(tools: Self.tools)
        let token = try house.token(scope: Self.everyScope)
        try await house.test { client in
            func listed() async throws -> (handshake: [String], modern: [String]) {
                let old = try await client.mcp(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#, token: token)
                let (body, headers) = modern("tools/list")
                let new = try await client.mcp(body, token: token, headers: headers)
                return (
                    old.json?["result"]?["tools"]?.arrayValues.compactMap { $0["name"]?.stringValue } ?? [],
                    new.json?["result"]?["tools"]?.arrayValues.compactMap { $0["name"]?.stringValue } ?? []
                )
            }
            func metadata() async throws -> JSONValue? {
                try await client.execute(uri: "/.well-known/oauth-protected-resource/mcp", method: .get).json
            }
            #expect(try await listed() == (Self.tools.map(\.name), Self.tools.map(\.name)))

            try await house.environment.features.set([.billing: false], tenantID: Tenant.defaultID)
            let withoutBilling = ["whoami", "customer_bills", "list_tickets"]
            #expect(try await listed() == (withoutBilling, withoutBilling))
            #expect(try await metadata()?["scopes_supported"] == ["billing:read", "customers:read", "tickets:read"])
            #expect(try await metadata()?["gatehouse_tools"]?.arrayValues.compactMap { $0["name"]?.stringValue } == withoutBilling)
            let reference = try await client.execute(uri: ToolReference.path, method: .get)
            let document = try JSONDecoder().decode(ToolReference.Document.self, from: Data(buffer: reference.body))
            #expect(document.tools.map(\.name) == Self.tools.map(\.name) && document.tools.filter(\.switchedOff).map(\.name) == ["list_bills"])

            // Called anyway, even without its scope: the switch answers first, not a challenge for a scope consent would withhold.
            for scope in [Self.everyScope, "tickets:read"] {
                let call = try await client.mcp(
                    #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_bills","arguments":{}}}"#, token: try house.token(scope: scope))
                #expect(call.status == .ok)
                #expect(call.json?["result"]?["isError"] == true)
                #expect(call.json?["result"]?["content"]?.arrayFirst?["text"] == "billing is switched off for this tenant by its administrator.")
            }
            await house.environment.audit.flush()
            let log = try await house.environment.serviceDesk.auditLog(tenantID: Tenant.defaultID, after: 0, limit: 100)
            #expect(log.suffix(2).map(\.entry.outcome) == ["switched_off", "switched_off"] && log.last?.entry.tool == "list_bills")

            try await house.environment.features.set([.customers: false], tenantID: Tenant.defaultID)
            #expect(try await metadata()?["scopes_supported"] == ["tickets:read"], "billing:read goes once no offered tool needs it")
            try await house.environment.features.set([.billing: true, .customers: true], tenantID: Tenant.defaultID)
            #expect(try await listed() == (Self.tools.map(\.name), Self.tools.map(\.name)))
        }
    }

    @Test("A change stored by another process (the admin command) reaches a running server within the cache's few seconds")
    func shortCache() async throws {
        let house = try await TestHouse(tools: Self.tools)
        let board = FeatureSwitchboard(storage: house.environment.storage)
        let start = Date()
        #expect(try await board.switchedOff(tenantID: Tenant.defaultID, now: start).isEmpty)
        try await house.environment.storage.setFeatures([.billing: false, .rules: false], tenantID: Tenant.defaultID)
        #expect(try await board.switchedOff(tenantID: Tenant.defaultID, now: start.addingTimeInterval(1)).isEmpty)
        #expect(try await board.switchedOff(tenantID: Tenant.defaultID, now: start.addingTimeInterval(FeatureSwitchboard.lifetime + 0.1)) == [.billing, .rules])
        #expect(FeatureSwitchboard.lifetime <= 5)
        // A module name a later version stored is ignored, not an error.
        try await house.environment.storage.setFeatures([.rules: true], tenantID: Tenant.defaultID)
        #expect(try await house.environment.storage.switchedOffModules(tenantID: Tenant.defaultID) == [.billing])
    }

    @Test("admin tenant set --feature takes MODULE=on|off, repeatable; an unknown module is refused with the list of modules")
    func command() throws {
        #expect(try FeatureSwitch.parse("billing=off") == FeatureSwitch(module: .billing, enabled: false))
        #expect(try FeatureSwitch.parse("rules=on") == FeatureSwitch(module: .rules, enabled: true))
        #expect(throws: FeatureSwitch.ParseError.unknownModule("payroll")) { try FeatureSwitch.parse("payroll=off") }
        #expect(FeatureSwitch.ParseError.unknownModule("payroll").description.contains("the modules are: customers, tickets, alerts"))
        for bad in ["billing", "billing=", "billing=maybe", "=off", "billing=off=on"] {
            #expect(throws: FeatureSwitch.ParseError.self, "\(bad)") { try FeatureSwitch.parse(bad) }
        }
        let parsed = try AdminCommand.TenantSettings.Set.parse(["--feature", "billing=off", "--feature", "contracts=on"])
        #expect(parsed.features == ["billing=off", "contracts=on"] && parsed.confirmWrites == nil)
        do {
            _ = try AdminCommand.TenantSettings.Set.parse(["--feature", "payroll=off"])
            Issue.record("an unknown module was accepted")
        } catch {
            #expect(AdminCommand.TenantSettings.Set.message(for: error).contains("unknown module 'payroll'; the modules are: \(ToolModule.names)"))
        }
        #expect(throws: (any Error).self) { try AdminCommand.TenantSettings.Set.parse([]) }
        #expect(FeatureSwitch.describe(switchedOff: [.billing]).contains("feature billing = off"))
        #expect(FeatureSwitch.describe(switchedOff: [.billing]).count == ToolModule.allCases.count)
    }

    @Test("Every service-desk tool names a module, and every module has a tool")
    func everyToolHasAModule() async throws {
        let registry = try await ToolRegistry.withoutData()
        #expect(registry.tools.filter { $0.module == nil }.map(\.name) == ["whoami"])
        #expect(Set(registry.tools.compactMap(\.module)) == Set(ToolModule.allCases))
        #expect(registry.tool(named: "list_invoices")?.module == .billing)
    }
}
