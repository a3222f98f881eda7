import Foundation
import Hummingbird
import Shared

/// Who may see and change the admin pages, in one place: a signed-in admin of the tenant to see them, and for
/// every change also the form's CSRF token and a recent second factor (`AdminConfirmation`). Handlers get the
/// admin and the tenant, and say what to draw.
struct AdminGate: Sendable {
    let pages: PageServices
    let confirmation: AdminConfirmation

    typealias Draw = @Sendable (SignedInSession, Tenant, AdminMessage) async throws -> Response

    static let forbidden = ErrorPage(
        status: .forbidden, title: "For administrators", message: "These pages are for the organisation's administrators.",
        link: PageLink(href: AccountFrame.Section.overview.rawValue, label: "Back to your account"))

    func viewing(_ request: Request, _ context: AuthRequestContext, draw: Draw) async throws -> Response {
        let tenant = try context.pageTenant()
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.user.role == .admin else { throw Self.forbidden }
        return try await draw(signedIn, tenant, .none)
    }

    /// Runs `change` once the gate is passed and draws the page with its notice; a refusal (the gate's or the
    /// decision's) draws the page with the problem and changes nothing. Both go to the ledger as `admin.action`,
    /// the admin as actor and the notice or problem as what happened.
    func changing(
        _ request: Request, _ context: AuthRequestContext, draw: Draw,
        change: (SignedInSession, Tenant, PageForm) async throws -> String
    ) async throws -> Response {
        try await changing(request, context, draw: draw, revealing: { AdminMessage(notice: try await change($0, $1, $2)) })
    }

    /// The same, for a change whose page shows something once (a service account's new secret) beside its notice.
    func changing(
        _ request: Request, _ context: AuthRequestContext, draw: Draw,
        revealing change: (SignedInSession, Tenant, PageForm) async throws -> AdminMessage
    ) async throws -> Response {
        let tenant = try context.pageTenant()
        let form = try await PageForm.read(request, context: context)
        guard let signedIn = context.signedIn else { return .toSignIn(from: request) }
        guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
        guard signedIn.user.role == .admin else { throw Self.forbidden }
        func record(_ outcome: String, _ detail: String) async {
            await pages.ledger.record(
                .adminAction, tenantID: tenant.id, actorID: signedIn.user.id, actorEmail: signedIn.user.email, outcome: outcome,
                address: context.clientAddress, detail: "\(request.uri.path): \(detail)", at: pages.now())
        }
        let confirmed: SignedInSession
        do {
            confirmed = try await confirmation.require(signedIn, form: form, address: context.clientAddress)
        } catch let refusal as AdminConfirmation.Refusal {
            await record("refused", refusal.message)
            return try await draw(signedIn, tenant, AdminMessage(problem: refusal.message, status: refusal.status, headers: refusal.headers))
        }
        do {
            let outcome = try await change(confirmed, tenant, form)
            await record("ok", outcome.notice ?? "")
            return try await draw(confirmed, tenant, outcome)
        } catch let refusal as PeopleDecisions.Refusal {
            await record("refused", refusal.message)
            return try await draw(confirmed, tenant, AdminMessage(problem: refusal.message, status: .badRequest))
        } catch let refusal as ServiceAccounts.Refusal {
            await record("refused", refusal.message)
            return try await draw(confirmed, tenant, AdminMessage(problem: refusal.message, status: .badRequest))
        }
    }

    func frame(_ signedIn: SignedInSession, _ section: AdminFrame.Section, _ message: AdminMessage) async throws -> AdminFrame {
        AdminFrame(
            signedIn: signedIn, current: section, state: try await confirmation.state(of: signedIn), windowSeconds: confirmation.windowSeconds,
            message: message)
    }
}
