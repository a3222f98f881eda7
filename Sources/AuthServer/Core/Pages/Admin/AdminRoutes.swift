import Hummingbird

/// The admin pages under /admin (docs/security.md § The admin pages): people and their activity, apps, service
/// accounts and the tenant's features. Only admins see them,
/// and every change needs a recent second factor (`AdminGate`).
enum AdminRoutes {
    static func add(to router: Router<AuthRequestContext>, pages: PageServices, elevationWindowSeconds: Int, resourceAdmin: ResourceServerAdmin) {
        let gate = AdminGate(pages: pages, confirmation: AdminConfirmation(pages: pages, windowSeconds: elevationWindowSeconds))
        router.get(RouterPath(AccountFrame.Section.admin.rawValue)) { request, context in
            try await gate.viewing(request, context) { _, _, _ in .seeOther(AdminFrame.Section.people.rawValue) }
        }
        let activity = AdminActivity(gate: gate, resourceServer: resourceAdmin)
        AdminPeopleRoutes(gate: gate, activity: activity).add(to: router)
        AdminGrantRoutes(gate: gate, activity: activity).add(to: router)
        AdminAppsRoutes(gate: gate).add(to: router)
        AdminServiceAccountsRoutes(gate: gate).add(to: router)
        AdminFeaturesRoutes(gate: gate, resourceServer: resourceAdmin).add(to: router)
    }
}
