import Hummingbird

/// The admin pages under /admin (docs/security.md § The admin pages): people, apps and the tenant's features. Only admins see them,
/// and every change needs a recent second factor (`AdminGate`).
enum AdminRoutes {
    static func add(to router: Router<AuthRequestContext>, pages: PageServices, elevationWindowSeconds: Int, resourceAdmin: ResourceServerAdmin) {
        let gate = AdminGate(pages: pages, confirmation: AdminConfirmation(pages: pages, windowSeconds: elevationWindowSeconds))
        router.get(RouterPath(AccountFrame.Section.admin.rawValue)) { request, context in
            try await gate.viewing(request, context) { _, _, _ in .seeOther(AdminFrame.Section.people.rawValue) }
        }
        AdminPeopleRoutes(gate: gate).add(to: router)
        AdminAppsRoutes(gate: gate).add(to: router)
        AdminFeaturesRoutes(gate: gate, resourceServer: resourceAdmin).add(to: router)
    }
}
