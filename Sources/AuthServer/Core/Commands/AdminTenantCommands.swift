import ArgumentParser
import Foundation
import Shared

struct TenantCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "Tenants: add, list, disable; a tenant's settings: who may connect which apps.",
        subcommands: [Add.self, List.self, Show.self, Change.self, Disable.self, Enable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a tenant with its own issuer, MCP resource URL and signing key.",
            discussion: """
                Both servers answer for it within seconds, each at the host of its URL, without a restart: point the \
                issuer's and the resource's host names at the auth-server and the resource-server (or the proxy before \
                them). Add its people with `admin user add --tenant ID` and its demo data with `resource-server seed-demo \
                --tenant ID`.
                """)

        @Option(help: "The tenant's id: lower-case letters, digits and hyphens; it appears in every token (tid).") var id: String
        @Option(help: "Its authorization server's issuer URL, e.g. https://acme.example.com (its own host).") var issuer: String
        @Option(help: "Its MCP resource URL, e.g. https://acme.example.com/mcp (its own host, the shared path).") var resource: String

        func run() async throws {
            let environment = try await openEnvironment(try loadSettings())
            let tenant = try await refusingPlainly {
                try await TenantDecisions(environment: environment).add(id: id, issuer: issuer, resource: resource, now: Date())
            }
            writeLine("added tenant \(tenant.id): issuer \(tenant.issuer), resource \(tenant.resource)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenants: id, state, issuer, resource.")

        func run() async throws {
            let environment = try await openEnvironment(try loadSettings())
            for tenant in try await environment.storage.allTenants() {
                writeLine([tenant.id, Self.state(tenant), tenant.issuer, tenant.resource].joined(separator: "\t"))
            }
        }

        static func state(_ tenant: Tenant) -> String {
            tenant.disabledAt.map { "disabled since \($0.formatted(.iso8601))" } ?? "enabled"
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tenant and its settings.")

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            writeLine(
                """
                id: \(tenant.id)
                state: \(List.state(tenant))
                issuer: \(tenant.issuer)
                resource: \(tenant.resource)
                """)
            writeLine(try await environment.storage.tenantGovernance(tenantID: tenant.id).summary)
        }
    }

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change the tenant's settings; what is not given stays.",
            discussion: """
                --app-policy: open (any app that registers itself), approved (such apps only once `admin client approve` \
                let them), closed (pinned metadata documents and first-party clients only). Apps already connected keep \
                their grants; under approved or closed, an app not let in can no longer refresh.
                --company-users-may-connect: whether company users may connect apps unless `admin user set --may-connect` \
                says otherwise for one of them. Admins and technicians may by default.
                """)

        @Option(help: "open, approved or closed.") var appPolicy: AppPolicy?
        @Option(help: "on or off.") var companyUsersMayConnect: Switch?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            if appPolicy == nil, companyUsersMayConnect == nil { throw ValidationError("give --app-policy or --company-users-may-connect") }
        }

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            var governance = try await environment.storage.tenantGovernance(tenantID: tenant.id)
            if let appPolicy { governance.appPolicy = appPolicy }
            if let companyUsersMayConnect { governance.companyUsersMayConnect = companyUsersMayConnect == .on }
            try await environment.storage.saveTenantGovernance(governance, ledger: governance.changeEntry(by: nil, at: Date()))
            writeLine(governance.summary)
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop answering for a tenant, on both servers, keeping its data.",
            discussion: """
                Within seconds its people cannot sign in, its apps cannot get or refresh tokens, and the resource-server \
                refuses its tokens. Its people, grants and service-desk data stay; `enable` brings it back as it was.
                """)

        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            try await refusingPlainly { try await TenantDecisions(environment: environment).disable(tenant, now: Date()) }
            writeLine("disabled tenant \(tenant.id): neither server answers for it within \(TenantList.refreshSeconds) seconds")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer for a disabled tenant again.")

        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            try await refusingPlainly { try await TenantDecisions(environment: environment).enable(tenant) }
            writeLine("enabled tenant \(tenant.id)")
        }
    }
}

/// An `on|off` option.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

extension AppPolicy: ExpressibleByArgument {}
