import ArgumentParser
import Foundation
import Shared

struct TenantCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant", abstract: "A tenant's settings: who may connect which apps.", subcommands: [Show.self, Change.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the tenant's settings.")

        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant) = try await openTenant(tenant)
            writeLine(Self.describe(try await environment.storage.tenantGovernance(tenantID: tenant.id)))
        }

        static func describe(_ governance: TenantGovernance) -> String {
            "app-policy: \(governance.appPolicy.rawValue)\ncompany-users-may-connect: \(governance.companyUsersMayConnect ? "on" : "off")"
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
            try await environment.storage.saveTenantGovernance(governance)
            writeLine(Show.describe(governance))
        }
    }
}

/// An `on|off` option.
enum Switch: String, ExpressibleByArgument, CaseIterable {
    case on, off
}

extension AppPolicy: ExpressibleByArgument {}
