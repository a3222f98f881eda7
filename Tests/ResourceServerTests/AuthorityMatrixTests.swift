import Foundation
import HTTPTypes
import Shared
import Testing

@testable import ResourceServerCore
@testable import ServiceDesk
@testable import ToolKit

/// The authority matrix (issue 4 §4): every tool × role and company × scopes held or not × second
/// factor, through the MCP endpoint. The expectations are written out here by hand, not read from the
/// tools, so a tool that drifts from the policy fails this table.
@Suite("Authority matrix: scope × role × company × second factor")
struct AuthorityMatrixTests {
    struct Row: Sendable {
        let tool: String
        let scopes: [String]
        /// nil: anyone with a valid token.
        let roles: Set<Role>?
        var highTrust = false
        var arguments: @Sendable (SeededDesk) throws -> [String: JSONValue] = { _ in [:] }
    }

    /// The scopes a person of each role can never be granted (the auth-server narrows them away).
    static let neverGranted: [Role: Set<String>] = [
        .admin: [], .technician: ["billing:read", "rules:run"], .company: ["notes:write", "alerts:write", "audit:read", "rules:run"],
    ]

    static let everyone: Set<Role> = Set(Role.allCases)
    static let staff: Set<Role> = [.admin, .technician]

    /// Company A's records, away from the ones the write suite changes (it picks open and in-progress tickets).
    static func ticket(_ desk: SeededDesk) throws -> Ticket {
        try #require(desk.tickets(of: desk.companyA).first { $0.status == .new || $0.status == .waitingOnCustomer })
    }
    static func alert(_ desk: SeededDesk) throws -> Alert { try #require(desk.alerts(of: desk.companyA).filter { $0.status == .open }.dropFirst().first) }

    static let table: [Row] = [
        Row(tool: "whoami", scopes: [], roles: nil),
        Row(tool: "list_customers", scopes: ["customers:read"], roles: everyone),
        Row(tool: "get_customer", scopes: ["customers:read"], roles: everyone) { ["customer_id": .string($0.companyA.id)] },
        Row(tool: "get_customer_status_snapshot", scopes: ["customers:read", "tickets:read", "alerts:read", "assets:read", "contracts:read"], roles: everyone) {
            ["customer_id": .string($0.companyA.id)]
        },
        Row(tool: "list_open_tickets", scopes: ["tickets:read"], roles: everyone),
        Row(tool: "get_ticket", scopes: ["tickets:read"], roles: everyone) { ["ticket_id": .string(try ticket($0).id)] },
        Row(tool: "search_tickets", scopes: ["tickets:read"], roles: everyone) { _ in ["query": "printer"] },
        Row(tool: "list_my_assignments", scopes: ["tickets:read"], roles: staff),
        Row(tool: "list_alerts", scopes: ["alerts:read"], roles: everyone),
        Row(tool: "get_alert", scopes: ["alerts:read"], roles: everyone) { ["alert_id": .string(try alert($0).id)] },
        Row(tool: "list_assets", scopes: ["assets:read"], roles: everyone),
        Row(tool: "get_asset", scopes: ["assets:read"], roles: everyone) { ["asset_id": .string(try #require($0.assets(of: $0.companyA).first).id)] },
        Row(tool: "list_contracts", scopes: ["contracts:read"], roles: everyone),
        Row(tool: "list_backups_failing", scopes: ["assets:read"], roles: everyone),
        Row(tool: "list_invoices", scopes: ["billing:read"], roles: [.admin, .company]),
        Row(tool: "list_recent_changes", scopes: ["tickets:read", "alerts:read"], roles: everyone),
        Row(tool: "search_global", scopes: ["search:read"], roles: everyone) { _ in ["query": "printer"] },
        Row(tool: "get_audit_log_for_ticket", scopes: ["audit:read"], roles: staff) { ["ticket_id": .string(try ticket($0).id)] },
        Row(tool: "list_rules", scopes: ["rules:run"], roles: [.admin]),
        Row(tool: "list_rule_executions", scopes: ["rules:run"], roles: [.admin]),
        Row(tool: "create_ticket", scopes: ["tickets:write"], roles: everyone) {
            ["customer_id": .string($0.companyA.id), "subject": "Matrix", "description": "Dry.", "dry_run": true]
        },
        Row(tool: "reply_to_ticket", scopes: ["tickets:write"], roles: everyone) { ["ticket_id": .string(try ticket($0).id), "body": "Hi", "dry_run": true] },
        Row(tool: "add_internal_note", scopes: ["notes:write"], roles: staff) { ["ticket_id": .string(try ticket($0).id), "body": "Hi", "dry_run": true] },
        Row(tool: "update_ticket_status", scopes: ["tickets:write"], roles: staff) {
            ["ticket_id": .string(try ticket($0).id), "status": "resolved", "dry_run": true]
        },
        Row(tool: "acknowledge_alert", scopes: ["alerts:write"], roles: staff) { ["alert_id": .string(try alert($0).id), "dry_run": true] },
        Row(tool: "resolve_alert", scopes: ["alerts:write"], roles: staff) { ["alert_id": .string(try alert($0).id), "dry_run": true] },
        Row(tool: "close_ticket", scopes: ["tickets:write"], roles: everyone, highTrust: true) { ["ticket_id": .string(try ticket($0).id), "dry_run": true] },
        Row(tool: "run_rule", scopes: ["rules:run"], roles: [.admin], highTrust: true) {
            ["rule_id": .string(try #require($0.records.rules.first { $0.enabled }).id), "dry_run": true]
        },
    ]

    static func people(_ desk: SeededDesk) -> [(DeskPerson, Role?)] {
        [
            (desk.admin, .admin), (desk.technician, .technician), (desk.userA, .company),
            (DeskPerson(label: "company user without a company", subject: "usr_nc", role: "company", company: nil, email: "nc@example.com"), nil),
            (DeskPerson(label: "account without a role", subject: "usr_nr", role: nil, company: nil, email: "nr@example.com"), nil),
        ]
    }

    @Test("The table covers every tool the server offers, and tools/list over HTTP shows each person what the table allows")
    func coversRegistry() async throws {
        let desk = try await SeededDesk.writable.value
        #expect(Self.table.map(\.tool) == desk.environment.registry.tools.map(\.name))
        // The metadata publishes each tool's roles, so the consent page promises a person only what they may use.
        let published = ProtectedResourceMetadata(resource: "https://rs.example/mcp", issuer: "https://as.example", registry: desk.environment.registry).tools
        for (row, tool) in zip(Self.table, published) {
            #expect(tool.roles.map(Set.init) == row.roles.map { Set($0.map(\.rawValue)) }, "\(row.tool)")
            #expect(tool.scopes == row.scopes && (tool.kind == .highTrust) == row.highTrust, "\(row.tool)")
        }
        try await desk.session { client in
            for (person, role) in Self.people(desk) {
                let listed = try await client.listedTools(as: person, scope: SeededDesk.everyScope + " mfa")
                let expected = Self.table.filter { row in row.roles.map { roles in role.map(roles.contains) ?? false } ?? true }.map(\.tool)
                #expect(listed == expected, "\(person.label)")
            }
        }
    }

    @Test("Each call is refused or runs exactly as the table says, and tools/list agrees", arguments: 0..<table.count)
    func matrix(_ index: Int) async throws {
        let row = Self.table[index]
        let desk = try await SeededDesk.writable.value
        let arguments = try row.arguments(desk)
        let everything = SeededDesk.everyScope.split(separator: " ").map(String.init)
        try await desk.session { client in
            for (person, role) in Self.people(desk) {
                // A person's role allows the tool when the table says so; a role-less or company-less account never uses a service-desk tool.
                let roleAllows = row.roles.map { roles in role.map(roles.contains) ?? false } ?? true
                // Asking for a scope the role can never hold would loop, so such a call is refused by role first.
                let claimRole = person.role.flatMap(Role.init(rawValue:))
                let scopesUnreachable = claimRole.map { !Self.neverGranted[$0]!.isDisjoint(with: row.scopes) } ?? true
                for holdsScopes in row.scopes.isEmpty ? [true] : [true, false] {
                    let scope = (holdsScopes ? everything : everything.filter { !row.scopes.contains($0) }).joined(separator: " ")
                    let caller = try #require(try await desk.verifiedCaller(person, scope: scope))
                    let listed = desk.environment.registry.visibleTools(for: caller).contains { $0.name == row.tool }
                    #expect(listed == (holdsScopes && roleAllows), "\(row.tool) listed for \(person.label) holding scopes: \(holdsScopes)")

                    for elevated in row.highTrust ? [false, true] : [false] {
                        let result = try await client.call(row.tool, arguments, as: person, scope: scope, secondFactorAge: elevated ? 60 : nil)
                        let context = "\(row.tool) as \(person.label), scopes \(holdsScopes), elevated \(elevated): \(result.status) \(result.text)"
                        if !roleAllows && (holdsScopes || scopesUnreachable) {
                            #expect(result.status == .ok && result.isError, "\(context)")
                            #expect(result.text.contains(" is for ") || result.text.contains("not linked to a customer"), "\(context)")
                        } else if !holdsScopes {
                            let needed = (row.scopes + (row.highTrust && !elevated ? ["mfa"] : [])).joined(separator: " ")
                            #expect(result.status == .forbidden, "\(context)")
                            #expect(result.challenge?.contains(#"error="insufficient_scope", error_description="#) == true, "\(context)")
                            #expect(result.challenge?.contains("scope=\"\(needed)\"") == true, "\(context): \(result.challenge ?? "")")
                        } else if row.highTrust && !elevated {
                            #expect(result.status == .forbidden && result.challenge?.contains("scope=\"\(row.scopes.joined(separator: " ")) mfa\"") == true, "\(context)")
                        } else {
                            #expect(result.status == .ok && !result.isError, "\(context)")
                        }
                    }
                }
            }
        }
    }
}
