import Foundation
import Testing

@testable import ServiceDesk

@Suite("PostgreSQL search stages finishing on two connections")
struct TicketSearchStagesTests {
    func ticket(_ id: String) -> Ticket {
        Ticket(
            tenantID: "t", id: id, number: "T-\(id)", companyID: "c", subject: id, status: .open, priority: .normal, requesterEmail: "r@example.com",
            assignee: nil, assetID: nil, createdAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0))
    }

    func rows(_ ids: String...) -> TicketSearchStages.Rows { ids.map { (ticket(String($0)), nil) } }

    @Test("the page is the stages in their order, each ticket at its first row, whatever order they finished in")
    func pageInStageOrder() {
        let stages = TicketSearchStages(limit: 4)
        stages.finish(.ticketSubstrings, rows("e", "a"))
        stages.finish(.noteWords, rows("b", "b", "a"))
        stages.finish(.ticketWords, rows("a"))
        #expect(stages.page().map(\.ticket.id) == ["a", "b", "e"])
        stages.finish(.ticketWordStarts, rows("c", "d", "f"))
        #expect(stages.page().map(\.ticket.id) == ["a", "b", "c", "d"])
    }

    @Test("a stage is skipped only once earlier stages hold a full page; a later stage never counts")
    func fullBefore() {
        let stages = TicketSearchStages(limit: 3)
        stages.finish(.ticketSubstrings, rows("x", "y", "z"))
        #expect(!stages.isPageFull(before: .noteWords), "a later stage's tickets do not fill the page before an earlier one")
        stages.finish(.ticketWords, rows("a", "b"))
        #expect(!stages.isPageFull(before: .noteWords))
        #expect(stages.isPageFull(before: .noteWords, adding: rows("b", "c")), "a stage's newest rows count with the earlier stages")
        #expect(!stages.isPageFull(before: .noteWords, adding: rows("a", "b", "b")), "each ticket once")
        // Earlier stages that have finished prove the page full even while one between them still runs.
        stages.finish(.ticketWordStarts, rows("c"))
        #expect(!stages.isPageFull(before: .ticketWordStarts))
        #expect(stages.isPageFull(before: .noteWordStarts))
        #expect(stages.isPageFull(before: .ticketSubstrings))
    }
}
