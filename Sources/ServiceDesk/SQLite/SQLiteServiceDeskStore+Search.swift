import Foundation
import GRDB

/// Search runs in stages, best first, each only while the page is not full: whole words and their stems,
/// then words the terms begin (only where a term begins a longer word the index holds: `prefixExpression`),
/// then (a ticket's own fields only) any substring by trigrams. Within a
/// stage a match in the ticket itself comes before one only in its thread, and newer before older: each
/// index is walked newest first and stops once the page is full, so a search costs about the same at
/// 4,000 tickets and at 400,000. (bm25 is not used: it counts every row holding each term on every
/// search, a cost that grows with the desk; README, "Search".)
extension SQLiteServiceDeskStore {
    /// Notes read per ticket wanted: a thread can hold several matching notes, and each ticket counts once.
    static let notesPerTicket = 4

    /// The stages, best first.
    enum SearchStage: CaseIterable {
        /// Whole words and their stems.
        case words
        /// Words the terms begin.
        case wordStarts
        /// Any piece of a ticket's own fields, by trigrams.
        case substrings

        /// What the stage matches in a ticket's own fields; nil when it has nothing to add there, or the index
        /// holds no match at all.
        func tickets(_ query: FullTextQuery, _ db: Database) throws -> FullTextMatch? {
            let match: FullTextMatch? = switch self {
            case .words: query.wordExpression.map { FullTextMatch(index: .ticketWords, expression: $0) }
            case .wordStarts: try Self.wordStarts(query, in: .ticketWords, db)
            case .substrings: FullTextMatch(index: .ticketTrigrams, expression: query.matchExpression)
            }
            return try probed(match, db)
        }

        /// What the stage matches in notes; nil when it has nothing to add there (notes have no trigram index), or
        /// the index holds no match at all.
        func notes(_ query: FullTextQuery, _ db: Database) throws -> FullTextMatch? {
            let match: FullTextMatch? = switch self {
            case .words: query.wordExpression.map { FullTextMatch(index: .noteWords, expression: $0) }
            case .wordStarts: try Self.wordStarts(query, in: .noteWords, db)
            case .substrings: nil
            }
            return try probed(match, db)
        }

        /// The match, or nil when its index holds none (`FullTextMatch.ifAny`). Word starts are not asked first:
        /// FTS5 merges the lists of every word a term begins before it reads one row, whichever the order, so
        /// asking first would pay that merge twice (1.2 ms more at 100x for "activesyn partnersh").
        private func probed(_ match: FullTextMatch?, _ db: Database) throws -> FullTextMatch? {
            self == .wordStarts ? match : try match?.ifAny(db)
        }

        private static func wordStarts(_ query: FullTextQuery, in index: SearchIndex, _ db: Database) throws -> FullTextMatch? {
            try query.prefixExpression { try index.beginsLongerWord($0, db) }.map { FullTextMatch(index: index, expression: $0) }
        }
    }

    /// An index and the MATCH expression to read it with.
    struct FullTextMatch {
        let index: SearchIndex
        let expression: String

        /// Self when the index holds at least one match, anywhere. Newest first, FTS5 reads each term's list of
        /// rows whole; oldest first, it skips through them by their doclist indexes, so where the terms never
        /// meet, asking for any match in the index's own order answers in about 60% of the time the newest-first
        /// walk takes to find none (README, "Search: what decided the index"). A match found costs one row more.
        func ifAny(_ db: Database) throws -> FullTextMatch? {
            let any = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM \(index.name) WHERE \(index.name) MATCH ? LIMIT 1"), arguments: [expression])
            return any == true ? self : nil
        }
    }

    public func searchTickets(_ text: String, filter: TicketFilter, limit: Int, scope: ServiceDeskScope) async throws -> Page<TicketSearchHit> {
        guard let query = FullTextQuery(text) else { throw ServiceDeskQueryError.searchTermsTooShort }
        return try await database.isolatedLongRead { db in
            let conditions = SQLConditions.tickets(filter, scope: scope, dialect: .sqlite)
            var hits: [TicketSearchHit] = []
            var found = Set<String>()
            for stage in SearchStage.allCases where hits.count < limit {
                guard let rows = try stageTickets(db, stage, query, conditions: conditions, scope: scope, limit: limit + hits.count) else { continue }
                // Read in place and decoded only when new: a ticket found by several notes comes several times.
                while hits.count < limit, let row = try rows.next() {
                    guard found.insert(row["id"]).inserted else { continue }
                    let ticket = try Ticket(row: row)
                    let noteBody: String? = row["note_body"]
                    hits.append(TicketSearchHit(
                        ticket: ticket, matchedIn: noteBody == nil ? .ticket : .note,
                        excerpt: noteBody.map { SearchExcerpt.make($0, terms: query.excerptTerms) }
                            ?? SearchExcerpt.make(ticket: ticket, terms: query.excerptTerms)
                    ))
                }
            }
            return Page(items: hits, nextCursor: nil, customerNames: try customerNames(db, ids: hits.map(\.ticket.companyID), scope: scope))
        }
    }

    /// One stage's matches within the scope and filters, tickets matched in themselves first, then by
    /// their notes, each newest first; a ticket may come more than once (the caller keeps its first).
    /// CROSS JOIN keeps the index the outer loop, so its newest-first walk stops at the LIMIT.
    private func stageTickets(
        _ db: Database, _ stage: SearchStage, _ query: FullTextQuery, conditions: SQLConditions, scope: ServiceDeskScope, limit: Int
    ) throws -> RowCursor? {
        var sources: [String] = []
        var values: [(any DatabaseValueConvertible)?] = []
        if let tickets = try stage.tickets(query, db) {
            let index = tickets.index.name
            sources.append("""
                SELECT * FROM (
                    SELECT ticket.seq AS ticket_seq, 0 AS tier, ticket.seq AS source_seq
                    FROM \(index) CROSS JOIN ticket ON ticket.seq = \(index).rowid
                    WHERE \(index) MATCH ? \(conditions.and) ORDER BY \(index).rowid DESC LIMIT ?
                )
                """)
            values += [tickets.expression] + conditions.databaseValues + [limit]
        }
        if let notes = try stage.notes(query, db) {
            let index = notes.index.name
            let visibility = scope.seesInternalNotes ? "" : "AND n.visibility = 'public'"
            sources.append("""
                SELECT * FROM (
                    SELECT ticket.seq AS ticket_seq, 1 AS tier, n.seq AS source_seq
                    FROM \(index) CROSS JOIN ticket_note n ON n.seq = \(index).rowid
                    CROSS JOIN ticket ON ticket.tenant_id = n.tenant_id AND ticket.id = n.ticket_id
                    WHERE \(index) MATCH ? AND n.tenant_id = ? \(visibility) \(conditions.and) ORDER BY \(index).rowid DESC LIMIT ?
                )
                """)
            values += [notes.expression, scope.tenantID] + conditions.databaseValues + [limit * Self.notesPerTicket]
        }
        if sources.isEmpty { return nil }
        return try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT ticket.*, CASE hits.tier WHEN 1 THEN (SELECT body FROM ticket_note WHERE seq = hits.source_seq) END AS note_body
                FROM (\(sources.joined(separator: "\nUNION ALL\n"))) hits CROSS JOIN ticket ON ticket.seq = hits.ticket_seq
                ORDER BY hits.tier, hits.source_seq DESC
                """),
            arguments: StatementArguments(values)
        )
    }

    public func searchEverything(
        _ text: String, kinds: [GlobalSearchHit.Kind], limitPerKind: Int, scope: ServiceDeskScope
    ) async throws -> Page<GlobalSearchHit> {
        guard let query = FullTextQuery(text) else { throw ServiceDeskQueryError.searchTermsTooShort }
        return try await database.isolatedLongRead { db in
            var hits: [GlobalSearchHit] = []
            var customerNames: [String: String] = [:]
            for kind in kinds {
                var found = Set<String>()
                for stage in SearchStage.allCases where found.count < limitPerKind {
                    guard let (sql, values) = try searchSQL(kind, stage, query: query, scope: scope, db) else { continue }
                    // Read in place, by position (`globalHitColumns`): a hit found by several stages comes several times.
                    let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: StatementArguments(values + [limitPerKind + found.count]))
                    while found.count < limitPerKind, let row = try rows.next() {
                        let id: String = row[0]
                        guard found.insert(id).inserted else { continue }
                        let companyID: String = row[1]
                        customerNames[companyID] = row[4]
                        let excerpt: String? = switch kind {
                        case .ticket: SearchExcerpt.make(fields: [row[5], row[6], row[7]], terms: query.excerptTerms)
                        case .note: SearchExcerpt.make(row[5], terms: query.excerptTerms)
                        default: nil
                        }
                        hits.append(GlobalSearchHit(kind: kind, id: id, companyID: companyID, title: row[2], ticketID: row[3], excerpt: excerpt))
                    }
                }
            }
            return Page(items: hits, nextCursor: nil, customerNames: customerNames)
        }
    }

    /// What every kind's query selects, in this order, so its rows are read by position: the hit's id, its
    /// customer's id, its title, its ticket (a note's), its customer's name, and up to three texts an excerpt
    /// is cut from (a ticket's subject, number and requester; a note's body).
    private static func globalHitColumns(
        id: String, companyID: String, title: String, ticketID: String = "NULL", excerptFrom texts: [String] = []
    ) -> String {
        ([id, companyID, title, ticketID, "company.name"] + texts + Array(repeating: "NULL", count: 3 - texts.count)).joined(separator: ", ")
    }

    /// One stage's query for one kind, newest first, as for tickets (customers, devices and alerts are matched by
    /// substrings alone); it ends in `LIMIT ?` and joins the hit's customer for its name. Nil when the stage has
    /// nothing to add for the kind.
    private func searchSQL(
        _ kind: GlobalSearchHit.Kind, _ stage: SearchStage, query: FullTextQuery, scope: ServiceDeskScope, _ db: Database
    ) throws -> (String, [(any DatabaseValueConvertible)?])? {
        var conditions = SQLConditions()
        let customerOf = { (table: String) in "CROSS JOIN company ON company.tenant_id = \(table).tenant_id AND company.id = \(table).company_id" }
        switch kind {
        case .customer:
            conditions.scope(scope, table: "company", companyColumn: "id")
            let columns = Self.globalHitColumns(id: "company.id", companyID: "company.id", title: "company.name")
            return stage == .substrings ? keyedSearch(.companyTrigrams, select: columns, query: query, conditions, orderBy: "company.name, company.id") : nil
        case .device:
            conditions.scope(scope, table: "asset")
            let columns = Self.globalHitColumns(id: "asset.id", companyID: "asset.company_id", title: "asset.name || ' (' || asset.kind || ')'")
            return stage == .substrings ? keyedSearch(.assetTrigrams, select: columns, query: query, conditions, join: customerOf("asset")) : nil
        case .alert:
            conditions.scope(scope, table: "alert")
            let columns = Self.globalHitColumns(id: "alert.id", companyID: "alert.company_id", title: "alert.title")
            return stage == .substrings ? keyedSearch(.alertTrigrams, select: columns, query: query, conditions, join: customerOf("alert")) : nil
        case .ticket:
            conditions.scope(scope, table: "ticket")
            let columns = Self.globalHitColumns(
                id: "ticket.id", companyID: "ticket.company_id", title: "ticket.number || ' ' || ticket.subject",
                excerptFrom: ["ticket.subject", "ticket.number", "ticket.requester_email"])
            guard let match = try stage.tickets(query, db) else { return nil }
            let index = match.index.name
            return ("""
                SELECT \(columns) FROM \(index) CROSS JOIN ticket ON ticket.seq = \(index).rowid \(customerOf("ticket"))
                WHERE \(index) MATCH ? \(conditions.and) ORDER BY \(index).rowid DESC LIMIT ?
                """, [match.expression] + conditions.databaseValues)
        case .note:
            conditions.add("ticket_note.tenant_id = ?", [scope.tenantID])
            conditions.scope(scope, table: "ticket")
            if !scope.seesInternalNotes { conditions.add("ticket_note.visibility = ?", [TicketNote.Visibility.public.rawValue]) }
            let columns = Self.globalHitColumns(
                id: "ticket_note.id", companyID: "ticket.company_id", title: "ticket.number || ' ' || ticket.subject", ticketID: "ticket.id",
                excerptFrom: ["ticket_note.body"])
            guard let match = try stage.notes(query, db) else { return nil }
            let index = match.index.name
            return ("""
                SELECT \(columns) FROM \(index)
                CROSS JOIN ticket_note ON ticket_note.seq = \(index).rowid
                CROSS JOIN ticket ON ticket.tenant_id = ticket_note.tenant_id AND ticket.id = ticket_note.ticket_id \(customerOf("ticket"))
                WHERE \(index) MATCH ? \(conditions.and) ORDER BY \(index).rowid DESC LIMIT ?
                """, [match.expression] + conditions.databaseValues)
        }
    }

    /// Customers, devices and alerts by their trigram index, joined back by tenant and id (and to whatever
    /// `join` adds); newest first (the index's own order) unless told.
    private func keyedSearch(
        _ index: SearchIndex, select: String, query: FullTextQuery, _ conditions: SQLConditions, join: String = "", orderBy: String? = nil
    ) -> (String, [(any DatabaseValueConvertible)?]) {
        let sql = """
            SELECT \(select) FROM \(index.name) CROSS JOIN \(index.table)
                ON \(index.table).tenant_id = \(index.name).tenant_id AND \(index.table).id = \(index.name).id \(join)
            WHERE \(index.name) MATCH ? \(conditions.and) ORDER BY \(orderBy ?? "\(index.name).rowid DESC") LIMIT ?
            """
        var values: [(any DatabaseValueConvertible)?] = [query.matchExpression]
        values += conditions.databaseValues
        return (sql, values)
    }
}
