import Foundation
import Hummingbird
import Shared

/// /admin/people and /admin/people/<id>: the rules are `PeopleDecisions`'; this reads forms and draws pages.
struct AdminPeopleRoutes {
    static let path = AdminFrame.Section.people.rawValue

    let gate: AdminGate
    let activity: AdminActivity
    var people: PeopleDecisions { PeopleDecisions(storage: gate.pages.storage) }
    var storage: any AuthStorage { gate.pages.storage }

    static func path(of user: User) -> String { path + "/" + user.id }

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            try await gate.viewing(request, context, draw: list)
        }
        router.post(RouterPath(Self.path)) { request, context in
            try await gate.changing(request, context, draw: list) { signedIn, tenant, form in
                guard let role = Role(rawValue: form["role"] ?? "") else { throw PeopleDecisions.Refusal(message: "Choose a role.") }
                let user = try await people.add(
                    email: form["email"] ?? "", role: role, companyID: form["company"], password: form["password"] ?? "", tenant: tenant,
                    by: signedIn.user, now: gate.pages.now())
                return "\(user.email) was added as \(role.rawValue). Tell them their password; they can change it on their security page."
            }
        }
        router.get(RouterPath(Self.path + "/:id")) { request, context in
            let id = try context.parameters.require("id")
            return try await gate.viewing(request, context) { signedIn, tenant, message in try await person(id, signedIn, tenant, message) }
        }
        router.post(RouterPath(Self.path + "/:id")) { request, context in
            let id = try context.parameters.require("id")
            return try await gate.changing(
                request, context, draw: { signedIn, tenant, message in try await person(id, signedIn, tenant, message) },
                change: { signedIn, tenant, form in try await change(id, form, by: signedIn, tenant: tenant) })
        }
    }

    /// One of the changes `AdminPersonPage` offers; the notice says what came of it.
    private func change(_ id: String, _ form: PageForm, by signedIn: SignedInSession, tenant: Tenant) async throws -> String {
        guard let user = try await storage.user(tenantID: tenant.id, id: id) else { throw ErrorPage.notFound }
        guard user.id != signedIn.user.id else {
            throw PeopleDecisions.Refusal(message: "You cannot change your own account here; another administrator can.")
        }
        let now = gate.pages.now()
        switch form["action"] {
        case "role":
            guard let role = Role(rawValue: form["role"] ?? "") else { throw PeopleDecisions.Refusal(message: "Choose a role.") }
            let ended = try await people.setRole(of: user, to: role, companyID: form["company"], by: signedIn.user, now: now)
            return "\(user.email) is now \(role.rawValue); \(Self.apps(ended)) they had connected ended, since each carried the old role's access."
        case "connect":
            let setting: Bool?
            switch form["may_connect"] {
            case "on": setting = true
            case "off": setting = false
            case "default": setting = nil
            default: throw PeopleDecisions.Refusal(message: "Choose whether they may connect apps.")
            }
            try await people.setMayConnect(of: user, to: setting, by: signedIn.user, now: now)
            return "Saved. Apps \(user.email) already connected keep working until you revoke them or disable the account."
        case "disable":
            try await people.disable(user, by: signedIn.user, now: now)
            return "\(user.email) is disabled: signed out everywhere, and every app and token they gave has ended."
        case "enable":
            try await people.enable(user, by: signedIn.user, now: now)
            return "\(user.email) can sign in again. Nothing that ended comes back."
        case "reset-two-step":
            try await people.resetSecondFactor(of: user, now: now)
            return "Two-step sign-in is off for \(user.email). Their next sign-in needs the password alone and tells them you did this."
        default:
            throw ErrorPage.badRequest("The form asked for a change there is no such thing as.")
        }
    }

    private static func apps(_ count: Int) -> String { count == 1 ? "the 1 app or token" : "the \(count) apps and tokens" }

    @Sendable private func list(_ signedIn: SignedInSession, _ tenant: Tenant, _ message: AdminMessage) async throws -> Response {
        let governance = try await storage.tenantGovernance(tenantID: tenant.id)
        var people: [AdminPeoplePage.Person] = []
        for user in try await storage.users(tenantID: tenant.id) {
            people.append(try await row(user, governance))
        }
        return gate.pages.renderer.response(
            AdminPeoplePage(admin: try await gate.frame(signedIn, .people, message), people: people), status: message.status, headers: message.headers)
    }

    private func person(_ id: String, _ signedIn: SignedInSession, _ tenant: Tenant, _ message: AdminMessage) async throws -> Response {
        guard let user = try await storage.user(tenantID: tenant.id, id: id) else { throw ErrorPage.notFound }
        let grants = try await storage.activeGrants(tenantID: tenant.id, userID: user.id)
        let page = AdminPersonPage(
            admin: try await gate.frame(signedIn, .people, message), user: user,
            person: try await row(user, try await storage.tenantGovernance(tenantID: tenant.id)), isSelf: user.id == signedIn.user.id,
            activeGrants: grants.count, timeline: try await activity.timeline(of: user, for: signedIn, tenant: tenant))
        return gate.pages.renderer.response(page, status: message.status, headers: message.headers)
    }

    private func row(_ user: User, _ governance: TenantGovernance) async throws -> AdminPeoplePage.Person {
        AdminPeoplePage.Person(
            id: user.id, email: user.email, role: user.role.rawValue, company: user.companyID, mayConnect: governance.mayConnect(user),
            hasSecondFactor: try await gate.pages.secondFactor.isEnrolled(user), isDisabled: user.isDisabled)
    }
}
