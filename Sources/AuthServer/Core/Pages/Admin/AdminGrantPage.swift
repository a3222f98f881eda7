import Foundation
import Shared

/// /admin/grants/<id>: one grant (one app's connection, a personal access token, a service account) and its
/// timeline across both servers: the sign-in and consent that made it, each refresh, each tool call, its end.
public struct AdminGrantPage: Page {
    public static let template = PageTemplate.adminGrant

    public let account: AccountFrame
    public let admin: AdminFrame
    public let grantID: String
    public let clientName: String
    public let ownerEmail: String?
    public let ownerPath: String?
    public let scopes: [String]
    public let created: PageDate
    public let revoked: PageDate?
    public let revocationReason: String?
    public let timeline: [AdminTimeline.Row]
    public let toolCallsMissing: String?

    init(admin: AdminFrame, grant: Grant, clientName: String, owner: User?, timeline: AdminTimeline) {
        account = admin.account
        self.admin = admin
        grantID = grant.id
        self.clientName = clientName
        ownerEmail = owner?.email
        ownerPath = owner.map(AdminPeopleRoutes.path(of:))
        scopes = grant.scopes
        created = PageDate(grant.createdAt)
        revoked = grant.revokedAt.map(PageDate.init)
        revocationReason = grant.revocationReason
        self.timeline = timeline.rows
        toolCallsMissing = timeline.toolCallsMissing
    }
}
