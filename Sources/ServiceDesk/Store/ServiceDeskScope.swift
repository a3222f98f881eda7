import Shared
import ToolKit

/// Which service-desk rows one call may touch: always one tenant, and for a company user one company of
/// it. Every store query takes a scope and applies it in SQL, so no id, filter, search term or cursor can
/// reach past it.
public struct ServiceDeskScope: Sendable, Equatable {
    public let tenantID: String
    /// The only customer whose rows are visible; nil for the whole tenant.
    public let companyID: String?

    public init(tenantID: String, companyID: String?) {
        self.tenantID = tenantID
        self.companyID = companyID
    }

    /// Company users never see internal notes; the MSP's own staff do.
    public var seesInternalNotes: Bool { companyID == nil }

    /// This scope narrowed to one customer, or nil when it does not reach that customer.
    func narrowed(to customerID: String) -> ServiceDeskScope? {
        companyID == nil || companyID == customerID ? ServiceDeskScope(tenantID: tenantID, companyID: customerID) : nil
    }

    /// The scope of a verified caller in the tenant the request is for. Admins and technicians see the
    /// tenant; a company user sees the customer named by the token's `company` claim (the customer id
    /// given to `auth-server admin user add --company`). A token of another tenant, an unknown role, or a
    /// company user without a company get nil: no service-desk data at all (fail closed).
    public static func of(_ caller: Caller, in tenant: Tenant) -> ServiceDeskScope? {
        guard caller.claims.tenantID == tenant.id, let role = caller.claims.role.flatMap(Role.init(rawValue:)) else { return nil }
        switch role {
        case .admin, .technician:
            return ServiceDeskScope(tenantID: tenant.id, companyID: nil)
        case .company:
            guard let company = caller.claims.company, !company.isEmpty else { return nil }
            return ServiceDeskScope(tenantID: tenant.id, companyID: company)
        }
    }

    /// The assignee values that mean "the caller": the email in the token (what `auth-server admin user
    /// add --email` set, and what tickets name as assignee) and, for assignees set by id, the subject.
    /// Assignees are compared lower-cased.
    public static func assigneeKeys(of caller: Caller) -> [String] {
        [caller.claims.email, caller.claims.subject].compactMap { $0?.lowercased() }.filter { !$0.isEmpty }
    }
}
