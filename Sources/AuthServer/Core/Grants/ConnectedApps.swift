import Foundation
import Hummingbird
import Logging
import Shared

/// What /account/apps shows and does: every active grant of the person (an admin: of the whole tenant),
/// and Revoke, which ends a grant at once. Nobody can end a grant they could not see.
struct ConnectedApps: Sendable {
    let storage: any ClientStore & GrantStore & PersonalAccessTokenStore & UserStore
    let logger: Logger

    func list(for user: User, now: Date) async throws -> [ConnectedAppsPage.App] {
        let everyone = user.role == .admin
        var emails: [String: String] = [user.id: user.email]
        var apps: [ConnectedAppsPage.App] = []
        let tokens = Dictionary(
            try await storage.personalAccessTokens(tenantID: user.tenantID, userID: everyone ? nil : user.id).map { ($0.grantID, $0) },
            uniquingKeysWith: { first, _ in first })
        for grant in try await storage.activeGrants(tenantID: user.tenantID, userID: everyone ? nil : user.id) {
            let client = try await storage.client(tenantID: grant.tenantID, id: grant.clientID)
            let token = tokens[grant.id]
            if emails[grant.userID] == nil { emails[grant.userID] = try await storage.user(tenantID: grant.tenantID, id: grant.userID)?.email }
            apps.append(
                ConnectedAppsPage.App(
                    grantID: grant.id, clientName: token.map { "\(client?.name ?? grant.clientID): \($0.label)" } ?? client?.name ?? grant.clientID,
                    clientHost: client?.verifiedHost, personalAccessTokenID: token?.id,
                    isFirstParty: client?.kind == .firstParty, firstAuthorised: grant.createdAt, lastAuthorised: grant.lastAuthorisedAt,
                    scopes: grant.scopes, activeRefreshTokens: try await storage.liveRefreshTokenCount(tenantID: grant.tenantID, grantID: grant.id, at: now),
                    ownerEmail: everyone && grant.userID != user.id ? emails[grant.userID] : nil
                )
            )
        }
        return apps
    }

    /// Ends the grant if this person may see it; returns the client's name for the notice, or nil.
    func revoke(grantID: String, by user: User, now: Date) async throws -> String? {
        guard let grant = try await storage.grant(tenantID: user.tenantID, id: grantID), grant.isActive,
            user.role == .admin || grant.userID == user.id
        else { return nil }
        guard try await storage.revokeGrant(tenantID: user.tenantID, id: grant.id, reason: "revoked by \(user.id)", at: now) else { return nil }
        logger.info("grant revoked from connected apps", metadata: ["grant": "\(grant.id)", "by": "\(user.id)"])
        return try await storage.client(tenantID: user.tenantID, id: grant.clientID)?.name ?? grant.clientID
    }
}

/// GET /account/apps and POST /account/apps/revoke.
struct ConnectedAppsRoutes {
    let grants: ConnectedApps
    let pages: PageServices

    static let revokePath = AuthServerPaths.connectedApps + "/revoke"

    func add(to router: Router<AuthRequestContext>) {
        router.get(RouterPath(AuthServerPaths.connectedApps)) { request, context in
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            return try await page(signedIn, notice: nil)
        }
        router.post(RouterPath(Self.revokePath)) { request, context in
            let form = try await PageForm.read(request, context: context)
            guard let signedIn = context.signedIn else { return Response.toSignIn(from: request) }
            guard signedIn.acceptsCSRFToken(form[CSRFToken.fieldName]) else { throw ErrorPage.csrfFailure }
            guard let grantID = form["grant_id"], let name = try await grants.revoke(grantID: grantID, by: signedIn.user, now: Date()) else {
                return try await page(signedIn, notice: "That app was already disconnected.")
            }
            return try await page(signedIn, notice: "\(name) was disconnected. It can no longer act for you.")
        }
    }

    private func page(_ signedIn: SignedInSession, notice: String?) async throws -> Response {
        pages.renderer.response(
            ConnectedAppsPage(
                signedIn: signedIn, apps: try await grants.list(for: signedIn.user, now: Date()), showsOwners: signedIn.user.role == .admin,
                notice: notice)
        )
    }
}
