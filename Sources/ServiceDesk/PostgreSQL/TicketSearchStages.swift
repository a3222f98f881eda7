import Synchronization

/// The stages of one `search_tickets` on PostgreSQL, in the order their rows rank, with the rows of each as it
/// finishes on either of the search's two connections (`PostgresServiceDeskStore.searchTickets`).
///
/// The page is the first `limit` tickets over the stages in order, each ticket once. So the stages before a
/// given one fill the page as soon as those of them that have finished hold `limit` tickets: one that finishes
/// later only adds rows behind theirs. That is what lets either connection skip a stage, or stop at a stage's
/// newest rows, without changing the answer.
final class TicketSearchStages: Sendable {
    enum Stage: Int, CaseIterable, Comparable {
        case ticketWords, noteWords, ticketWordStarts, noteWordStarts, ticketSubstrings

        static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
    }

    typealias Rows = [(ticket: Ticket, noteBody: String?)]

    let limit: Int
    private let finished = Mutex<[Stage: Rows]>([:])

    init(limit: Int) { self.limit = limit }

    func finish(_ stage: Stage, _ rows: Rows) {
        finished.withLock { $0[stage] = rows }
    }

    /// Whether the stages before `stage` fill the page, counting `rows` of `stage` itself (its newest rows) with
    /// those finished: if so, nothing `stage` would find beyond `rows` can reach the page.
    func isPageFull(before stage: Stage, adding rows: Rows = []) -> Bool {
        finished.withLock { finished in
            var tickets = Set(rows.map(\.ticket.id))
            for (earlier, rows) in finished where earlier < stage && tickets.count < limit {
                tickets.formUnion(rows.map(\.ticket.id))
            }
            return tickets.count >= limit
        }
    }

    /// The page: the finished stages' rows in stage order, each ticket at its first row, up to `limit`.
    func page() -> Rows {
        let finished = finished.withLock { $0 }
        var page: Rows = []
        var seen = Set<String>()
        for stage in Stage.allCases {
            for row in finished[stage] ?? [] where page.count < limit && seen.insert(row.ticket.id).inserted { page.append(row) }
        }
        return page
    }
}
