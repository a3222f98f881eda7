import Foundation
import Hummingbird
import Shared

/// /admin/grants/<id>: a grant and its timeline; linked from a person's timeline and their connected apps.
struct AdminGrantRoutes {
    static let path = "/admin/grants"

    let gate: AdminGate
    let activity: AdminActivity

    static func path(of grantID: String) -> String { path + "/" + grantID }

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path + "/:id")) { request, context in
            let id = try context.parameters.require("id")
            return try await gate.viewing(request, context) { signedIn, tenant, message in
                let storage = gate.pages.storage
                guard let grant = try await storage.grant(tenantID: tenant.id, id: id) else { throw ErrorPage.notFound }
                let client = try await storage.client(tenantID: tenant.id, id: grant.clientID)
                let page = AdminGrantPage(
                    admin: try await gate.frame(signedIn, .people, message), grant: grant, clientName: client?.name ?? grant.clientID,
                    owner: try await storage.user(tenantID: tenant.id, id: grant.userID),
                    timeline: try await activity.timeline(ofGrant: grant.id, for: signedIn, tenant: tenant))
                return gate.pages.renderer.response(page)
            }
        }
    }
}
