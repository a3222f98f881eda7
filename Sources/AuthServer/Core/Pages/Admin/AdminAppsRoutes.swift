import Foundation
import Hummingbird
import Shared

/// /admin/apps: the app policy and the decisions on apps. The rules are `AppPolicy`'s and `ClientDecisions`'.
struct AdminAppsRoutes {
    static let path = AdminFrame.Section.apps.rawValue

    let gate: AdminGate
    var storage: any AuthStorage { gate.pages.storage }

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            try await gate.viewing(request, context, draw: page)
        }
        router.post(RouterPath(Self.path)) { request, context in
            try await gate.changing(request, context, draw: page) { signedIn, tenant, form in try await change(form, by: signedIn.user, tenant: tenant) }
        }
    }

    private func change(_ form: PageForm, by admin: User, tenant: Tenant) async throws -> String {
        let decisions = ClientDecisions(storage: storage)
        if form["action"] == "policy" {
            guard let policy = AppPolicy(rawValue: form["app_policy"] ?? "") else { throw PeopleDecisions.Refusal(message: "Choose an app policy.") }
            var governance = try await storage.tenantGovernance(tenantID: tenant.id)
            governance.appPolicy = policy
            governance.companyUsersMayConnect = form["company_users_may_connect"] == "yes"
            try await storage.saveTenantGovernance(governance, ledger: governance.changeEntry(by: admin, at: gate.pages.now()))
            return "Saved: the app policy is \(policy.rawValue)."
        }
        let clientID = form["client_id"] ?? ""
        guard let client = try await storage.client(tenantID: tenant.id, id: clientID), Self.isApp(client) else {
            throw PeopleDecisions.Refusal(message: "There is no such app; it may have been deleted.")
        }
        switch form["action"] {
        case "approve":
            _ = try await decisions.approve(tenantID: tenant.id, clientID: client.id, by: admin, at: gate.pages.now())
            return "\(client.name) is approved: people may connect it."
        case "block" where !client.isOperatorTrusted:
            let ended = try await decisions.block(tenantID: tenant.id, clientID: client.id, by: admin, at: gate.pages.now()) ?? 0
            return "\(client.name) is blocked; \(ended == 1 ? "1 connection" : "\(ended) connections") ended at once."
        case "delete" where !client.isOperatorTrusted:
            _ = try await decisions.delete(tenantID: tenant.id, clientID: client.id, by: admin, at: gate.pages.now())
            return "\(client.name) was deleted. If it registers again, it starts over."
        case "block", "delete":
            throw PeopleDecisions.Refusal(message: "\(client.name) is the operator's own app; it is changed in the server's configuration, not here.")
        default:
            throw ErrorPage.badRequest("The form asked for a change there is no such thing as.")
        }
    }

    /// What people connect: not a resource-server, and not a service account (those have their own page).
    static func isApp(_ client: Client) -> Bool { client.kind != .resourceServer && client.kind != .serviceAccount }

    @Sendable private func page(_ signedIn: SignedInSession, _ tenant: Tenant, _ message: AdminMessage) async throws -> Response {
        // Someone is waiting on the pending apps they asked for: those first, the longest waiting first.
        let clients = try await storage.clients(tenantID: tenant.id).filter(Self.isApp)
        let waiting = clients.filter { $0.approval.state == .pending && $0.approval.requestedAt != nil }
            .sorted { $0.approval.requestedAt ?? .distantPast < $1.approval.requestedAt ?? .distantPast }
        let waitingIDs = Set(waiting.map(\.id))
        var apps: [AdminAppsPage.App] = []
        for client in waiting + clients.filter({ !waitingIDs.contains($0.id) }) {
            var requestedBy: String?
            if let id = client.approval.requestedBy { requestedBy = try await storage.user(tenantID: tenant.id, id: id)?.email ?? "someone since removed" }
            apps.append(
                AdminAppsPage.App(
                    clientID: client.id, name: client.name, kind: client.kindDescription,
                    verifiedURL: client.kind == .metadataDocument ? client.id : nil, state: client.approval.state.rawValue, requestedBy: requestedBy,
                    requestedAt: client.approval.requestedAt.map(PageDate.init), created: PageDate(client.createdAt),
                    lastUsed: client.lastUsedAt.map(PageDate.init), canApprove: client.approval.state != .approved,
                    canBlock: !client.isOperatorTrusted && client.approval.state != .blocked, canDelete: !client.isOperatorTrusted))
        }
        let page = AdminAppsPage(
            admin: try await gate.frame(signedIn, .apps, message), governance: try await storage.tenantGovernance(tenantID: tenant.id), apps: apps)
        return gate.pages.renderer.response(page, status: message.status, headers: message.headers)
    }
}

extension Client {
    /// How the app came to be known, in words for the admin page.
    var kindDescription: String {
        switch kind {
        case .dynamic: "registered itself"
        case .metadataDocument: isPinned ? "metadata document, pinned by the operator" : "metadata document"
        case .firstParty: "Gatehouse's own"
        case .resourceServer: "resource-server"
        case .serviceAccount: "service account"
        }
    }
}
