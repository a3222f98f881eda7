import Testing

@testable import ServiceDesk

@Suite("A caller's scope narrowed to one customer")
struct ServiceDeskScopeTests {
    @Test("staff reach any customer of their tenant, a company user only their own")
    func narrowed() {
        let staff = ServiceDeskScope(tenantID: "t", companyID: nil)
        let companyUser = ServiceDeskScope(tenantID: "t", companyID: "cus_a")
        #expect(staff.narrowed(to: "cus_b") == ServiceDeskScope(tenantID: "t", companyID: "cus_b"))
        #expect(companyUser.narrowed(to: "cus_a") == companyUser)
        #expect(companyUser.narrowed(to: "cus_b") == nil)
    }
}
