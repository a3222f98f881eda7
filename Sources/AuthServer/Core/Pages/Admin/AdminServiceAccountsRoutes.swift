import Foundation
import Hummingbird
import Shared

/// /admin/service-accounts: the rules are `ServiceAccounts`'; this reads forms and draws the page.
struct AdminServiceAccountsRoutes {
    static let path = AdminFrame.Section.serviceAccounts.rawValue

    let gate: AdminGate
    var accounts: ServiceAccounts { ServiceAccounts(storage: gate.pages.storage) }

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            try await gate.viewing(request, context, draw: page)
        }
        router.post(RouterPath(Self.path)) { request, context in
            try await gate.changing(request, context, draw: page, revealing: { signedIn, tenant, form in
                try await change(form, by: signedIn.user, tenant: tenant)
            })
        }
    }

    private func change(_ form: PageForm, by admin: User, tenant: Tenant) async throws -> AdminMessage {
        let now = gate.pages.now()
        switch form["action"] {
        case "create":
            let scopes = form.fields.filter { $0.key.hasPrefix(AccountTokensRoutes.scopeFieldPrefix) && $0.value == "yes" }
                .map { String($0.key.dropFirst(AccountTokensRoutes.scopeFieldPrefix.count)) }
            let jwks = form["jwks"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            let made = try await accounts.create(
                .init(name: form["name"] ?? "", scopes: ScopeCatalog.names.filter(scopes.contains), companyID: form["company"],
                      credentials: jwks.isEmpty ? .secret : .jwks(jwks)),
                tenant: tenant, by: admin, now: now)
            let left = made.dropped.isEmpty ? "" : " Left out (beyond what it may hold): \(made.dropped.joined(separator: " "))."
            return AdminMessage(notice: "“\(made.account.name)” was made as \(made.account.id).\(left)", issued: made.issued)
        case "rotate":
            guard let issued = try await accounts.rotateSecret(id: form["id"] ?? "", tenantID: tenant.id, by: admin, now: now) else {
                throw PeopleDecisions.Refusal(message: "That service account was revoked, or signs its requests with keys instead of a secret.")
            }
            return AdminMessage(notice: "\(issued.clientID) has a new secret; the old one no longer works.", issued: issued)
        case "revoke":
            guard let account = try await accounts.revoke(id: form["id"] ?? "", tenantID: tenant.id, by: admin, now: now) else {
                throw PeopleDecisions.Refusal(message: "That service account was already revoked.")
            }
            return AdminMessage(notice: "“\(account.name)” was revoked; its tokens stop working within a second.")
        default:
            throw ErrorPage.badRequest("The form asked for a change there is no such thing as.")
        }
    }

    @Sendable private func page(_ signedIn: SignedInSession, _ tenant: Tenant, _ message: AdminMessage) async throws -> Response {
        let storage = gate.pages.storage
        var rows: [AdminServiceAccountsPage.Account] = []
        for account in try await accounts.list(tenantID: tenant.id) {
            var createdBy = account.createdBy
            if let id = createdBy { createdBy = try await storage.user(tenantID: tenant.id, id: id)?.email ?? id }
            let client = try await storage.client(tenantID: tenant.id, id: account.id)
            rows.append(
                AdminServiceAccountsPage.Account(
                    id: account.id, name: account.name, scopes: account.scopes, company: account.companyID, created: PageDate(account.createdAt),
                    createdBy: createdBy, secretRotated: account.secretRotatedAt.map(PageDate.init), revoked: account.revokedAt.map(PageDate.init),
                    usesSecret: client?.authMethod.usesSecret ?? false, grantPath: AdminGrantRoutes.path(of: account.grantID)))
        }
        let page = AdminServiceAccountsPage(
            admin: try await gate.frame(signedIn, .serviceAccounts, message), accounts: rows, issued: message.issued, tenant: tenant)
        return gate.pages.renderer.response(page, status: message.status, headers: message.headers)
    }
}
