import Foundation
import Shared

/// /admin/people: everyone who can sign in to the tenant, each linking to their own page, and a form that adds
/// someone (POST /admin/people with `email`, `role`, `company`, `password`).
public struct AdminPeoplePage: Page {
    public static let template = PageTemplate.adminPeople

    public struct Person: Sendable, Equatable {
        public let id: String
        public let email: String
        public let role: String
        public let company: String?
        public let mayConnect: Bool
        public let hasSecondFactor: Bool
        public let isDisabled: Bool
    }

    public let account: AccountFrame
    public let admin: AdminFrame
    public let people: [Person]
    /// Technician is chosen to begin with: a slip must not make someone an admin.
    public let roles: [AdminPersonPage.Choice]

    init(admin: AdminFrame, people: [Person]) {
        account = admin.account
        self.admin = admin
        self.people = people
        roles = Role.allCases.map { AdminPersonPage.Choice(value: $0.rawValue, label: $0.rawValue, isCurrent: $0 == .technician) }
    }
}

/// /admin/people/<id>: one person, and the forms that change them (POST to the same path with `action`:
/// `role` with `role` and `company`, `connect` with `may_connect` = `on`, `off` or `default`, `disable`, `enable`,
/// `reset-two-step`). Admins change others here, never themselves: an admin cannot lock themselves out.
public struct AdminPersonPage: Page {
    public static let template = PageTemplate.adminPerson

    public struct Choice: Sendable, Equatable {
        public let value: String
        public let label: String
        public let isCurrent: Bool
    }

    public let account: AccountFrame
    public let admin: AdminFrame
    public let person: AdminPeoplePage.Person
    public let path: String
    public let created: PageDate
    public let disabledSince: PageDate?
    /// The person's own setting, or the default of their role and the tenant.
    public let connectChoices: [Choice]
    public let roleChoices: [Choice]
    public let isSelf: Bool
    public let activeGrants: Int
    public let timeline: [AdminTimeline.Row]
    public let toolCallsMissing: String?

    init(admin: AdminFrame, user: User, person: AdminPeoplePage.Person, isSelf: Bool, activeGrants: Int, timeline: AdminTimeline) {
        account = admin.account
        self.admin = admin
        self.person = person
        path = AdminPeopleRoutes.path(of: user)
        created = PageDate(user.createdAt)
        disabledSince = user.disabledAt.map(PageDate.init)
        connectChoices = [
            Choice(value: "on", label: "May connect apps", isCurrent: user.mayConnect == true),
            Choice(value: "off", label: "May not connect apps", isCurrent: user.mayConnect == false),
            Choice(value: "default", label: "As their role says", isCurrent: user.mayConnect == nil),
        ]
        roleChoices = Role.allCases.map { Choice(value: $0.rawValue, label: $0.rawValue, isCurrent: $0 == user.role) }
        self.isSelf = isSelf
        self.activeGrants = activeGrants
        self.timeline = timeline.rows
        toolCallsMissing = timeline.toolCallsMissing
    }
}
