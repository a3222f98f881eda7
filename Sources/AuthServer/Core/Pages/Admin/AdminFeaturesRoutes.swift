import Foundation
import Hummingbird
import Shared

/// /admin/features: reads and sets the tenant's feature switches through the resource-server's admin API, as the
/// signed-in admin (with their second factor, which a change needs there too).
struct AdminFeaturesRoutes {
    static let path = AdminFrame.Section.features.rawValue
    static let fieldPrefix = "module-"

    let gate: AdminGate
    let resourceServer: ResourceServerAdmin

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(Self.path)) { request, context in
            try await gate.viewing(request, context, draw: page)
        }
        router.post(RouterPath(Self.path)) { request, context in
            try await gate.changing(request, context, draw: page) { signedIn, tenant, form in
                // Every module is in the answer: a box left unticked is a module switched off.
                let changes = Dictionary(uniqueKeysWithValues: ToolModule.allCases.map { ($0, form[Self.fieldPrefix + $0.rawValue] == "on") })
                let states = try await reaching {
                    try await resourceServer.setFeatures(
                        changes, as: signedIn.user, authentication: gate.confirmation.authentication(of: signedIn), tenant: tenant, now: gate.pages.now())
                }
                let off = states.filter { !$0.value }.keys.sorted().map(\.rawValue)
                return off.isEmpty ? "Saved: every module is on." : "Saved: \(off.joined(separator: ", ")) switched off. Their tools are gone from every app's list."
            }
        }
    }

    @Sendable private func page(_ signedIn: SignedInSession, _ tenant: Tenant, _ message: AdminMessage) async throws -> Response {
        var message = message
        var states: [ToolModule: Bool] = [:]
        do {
            states = try await reaching {
                try await resourceServer.features(
                    as: signedIn.user, authentication: gate.confirmation.authentication(of: signedIn), tenant: tenant, now: gate.pages.now())
            }
        } catch let refusal as PeopleDecisions.Refusal {
            message.problem = [message.problem, refusal.message].compactMap { $0 }.joined(separator: " ")
            if message.status == .ok { message.status = .serviceUnavailable }
        }
        let page = AdminFeaturesPage(admin: try await gate.frame(signedIn, .features, message), states: states)
        return gate.pages.renderer.response(page, status: message.status, headers: message.headers)
    }

    /// The resource-server's failures in words for the page; the details go nowhere else, as they name our own hosts.
    private func reaching<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let failure as ResourceServerAdmin.Failure {
            switch failure {
            case .unavailable:
                throw PeopleDecisions.Refusal(message: "The resource-server cannot be reached, so the features cannot be shown or changed now. Try again shortly.")
            case .refused(_, _, let description):
                throw PeopleDecisions.Refusal(message: "The resource-server refused: \(description)")
            }
        }
    }
}
