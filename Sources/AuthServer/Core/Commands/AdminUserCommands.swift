import ArgumentParser
import Foundation
import Shared

struct UserCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage people.", subcommands: [Add.self, Change.self, Disable.self, Enable.self, SecondFactorCommands.self])

    struct Change: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change what a person may do.",
            discussion: """
                --may-connect: whether they may connect apps; `default` leaves it to their role (admins and technicians \
                may; company users as `admin tenant set --company-users-may-connect` says). Apps they already connected \
                keep working: revoke them on their connected apps, or disable the person.
                --role (with --company for a company user): every app and token they gave ends at once, since each carries \
                the access of the role it was given under.
                """)

        @Option(help: "The person's email.") var email: String
        @Option(help: "on, off or default.") var mayConnect: MayConnect?
        @Option(help: "admin, technician or company.") var role: Role?
        @Option(help: "With --role company: the customer id whose records they may see.") var company: String?
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        enum MayConnect: String, ExpressibleByArgument, CaseIterable {
            case on, off, `default`
            var stored: Bool? { self == .default ? nil : self == .on }
        }

        func validate() throws {
            guard mayConnect != nil || role != nil else { throw ValidationError("say what to change: --may-connect or --role") }
            if company != nil, role == nil { throw ValidationError("--company goes with --role company") }
        }

        func run() async throws {
            let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
            let people = PeopleDecisions(storage: environment.storage)
            try await refusingPlainly {
                if let role {
                    let ended = try await people.setRole(of: user, to: role, companyID: company, by: nil, now: Date())
                    writeLine("\(user.email) is now \(role.rawValue)\(company.map { " of company \($0)" } ?? ""); \(ended) grant(s) ended")
                }
                if let mayConnect {
                    try await people.setMayConnect(of: user, to: mayConnect.stored, by: nil, now: Date())
                    var updated = try await environment.storage.user(tenantID: tenant.id, id: user.id) ?? user
                    updated.mayConnect = mayConnect.stored
                    let effective = try await environment.storage.tenantGovernance(tenantID: tenant.id).mayConnect(updated)
                    writeLine("\(user.email) \(effective ? "may" : "may not") connect apps (\(mayConnect.rawValue))")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop someone signing in, and end everything they gave at once.",
            discussion: """
                Their sessions end, every app's grant and personal access token they made ends, and the resource-servers \
                refuse their tokens from the revocation stream within a second. `enable` lets them sign in again; \
                nothing that ended comes back.
                """)

        @Option(help: "The person's email.") var email: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, _, user) = try await openPerson(email, tenant: tenant)
            try await refusingPlainly { try await PeopleDecisions(storage: environment.storage).disable(user, by: nil, now: Date()) }
            writeLine("disabled \(user.email): signed out everywhere, every app and token ended")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled person sign in again.")

        @Option(help: "The person's email.") var email: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, _, user) = try await openPerson(email, tenant: tenant)
            try await refusingPlainly { try await PeopleDecisions(storage: environment.storage).enable(user, by: nil, now: Date()) }
            writeLine("enabled \(user.email); they can sign in again")
        }
    }

    struct SecondFactorCommands: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "mfa", abstract: "Manage a person's two-step sign-in.", subcommands: [Reset.self])

        struct Reset: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Turn off two-step sign-in for someone who lost their device.",
                discussion: """
                    Their recovery codes stop working and every app's permission for high-trust actions ends. Their next \
                    sign-in needs the password alone and tells them an administrator did this, so they can turn it on again.
                    """)

            @Option(help: "The person's email.") var email: String
            @Option(help: "Tenant id.") var tenant = Tenant.defaultID

            func run() async throws {
                let (environment, _, user) = try await openPerson(email, tenant: tenant)
                try await refusingPlainly { try await PeopleDecisions(storage: environment.storage).resetSecondFactor(of: user, now: Date()) }
                writeLine("two-step sign-in turned off for \(user.email); their next sign-in will say so")
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person who can sign in.")

        @Option(help: "Email address; the sign-in name.") var email: String
        @Option(help: "admin, technician or company.") var role: Role
        @Option(help: "For --role company: the resource-server's customer id whose records this person may see.") var company: String?
        @Flag(help: "Read the password from standard input (required: passwords never go on the command line).") var passwordStdin = false
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func validate() throws {
            guard passwordStdin else { throw ValidationError("--password-stdin is required; pipe the password in") }
        }

        func run() async throws {
            let password = readLine(strippingNewline: true) ?? ""
            let (environment, tenant) = try await openTenant(tenant)
            try await refusingPlainly {
                let user = try await PeopleDecisions(storage: environment.storage).add(
                    email: email, role: role, companyID: company, password: password, tenant: tenant, by: nil, now: Date())
                writeLine("added \(user.email) as \(user.role.rawValue) (id \(user.id))")
            }
        }
    }
}

/// A decision the rules refuse (about people or tenants) ends the command with their words and status 1.
@discardableResult
func refusingPlainly<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let refusal as PeopleDecisions.Refusal {
        CommandLineFailure.exit(message: refusal.message, status: 1)
    } catch let refusal as TenantDecisions.Refusal {
        CommandLineFailure.exit(message: refusal.message, status: 1)
    }
}

extension Role: ExpressibleByArgument {}
