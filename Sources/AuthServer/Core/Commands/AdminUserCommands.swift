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
                """)

        @Option(help: "The person's email.") var email: String
        @Option(help: "on, off or default.") var mayConnect: MayConnect
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        enum MayConnect: String, ExpressibleByArgument, CaseIterable {
            case on, off, `default`
            var stored: Bool? { self == .default ? nil : self == .on }
        }

        func run() async throws {
            let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
            _ = try await environment.storage.setUserMayConnect(tenantID: tenant.id, userID: user.id, mayConnect: mayConnect.stored)
            var updated = user
            updated.mayConnect = mayConnect.stored
            let effective = try await environment.storage.tenantGovernance(tenantID: tenant.id).mayConnect(updated)
            writeLine("\(user.email) \(effective ? "may" : "may not") connect apps (\(mayConnect.rawValue))")
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
            let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
            guard try await environment.storage.setUserDisabled(tenantID: tenant.id, userID: user.id, at: Date()) else {
                CommandLineFailure.exit(message: "\(user.email) is already disabled", status: 1)
            }
            writeLine("disabled \(user.email): signed out everywhere, every app and token ended")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled person sign in again.")

        @Option(help: "The person's email.") var email: String
        @Option(help: "Tenant id.") var tenant = Tenant.defaultID

        func run() async throws {
            let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
            guard try await environment.storage.setUserDisabled(tenantID: tenant.id, userID: user.id, at: nil) else {
                CommandLineFailure.exit(message: "\(user.email) is not disabled", status: 1)
            }
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
                let (environment, tenant, user) = try await openPerson(email, tenant: tenant)
                guard try await environment.storage.removeSecondFactor(tenantID: tenant.id, userID: user.id, at: Date(), byAdministrator: true) else {
                    CommandLineFailure.exit(message: "\(user.email) has no two-step sign-in to reset", status: 1)
                }
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
            let parts = User.normalise(email: email).split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(" ") else {
                throw ValidationError("--email '\(email)' is not an email address")
            }
            if role == .company, company?.isEmpty ?? true { throw ValidationError("--role company needs --company ID") }
            if role != .company, company != nil { throw ValidationError("--company applies only to --role company") }
        }

        func run() async throws {
            let password = try Self.acceptedPassword(readLine(strippingNewline: true) ?? "")
            let environment = try await openEnvironment(try loadSettings())
            let tenant = try await environment.tenant(id: tenant)
            let user = User(
                tenantID: tenant.id, id: "usr_" + RandomIdentifier.make(), email: email, passwordHash: try PasswordHasher.hash(password),
                role: role, companyID: company, createdAt: Date()
            )
            do {
                try await environment.storage.insertUser(user)
            } catch AuthStorageError.duplicateEmail {
                CommandLineFailure.exit(message: "a person with email \(user.email) already exists in tenant \(tenant.id)")
            }
            writeLine("added \(user.email) as \(user.role.rawValue) (id \(user.id))")
        }

        /// The same length rule as a password chosen on the security page (`PasswordRules`).
        static func acceptedPassword(_ password: String) throws(ValidationError) -> String {
            if let problem = PasswordRules.lengthProblem(password) { throw ValidationError(problem.message) }
            return password
        }
    }
}

extension Role: ExpressibleByArgument {}
