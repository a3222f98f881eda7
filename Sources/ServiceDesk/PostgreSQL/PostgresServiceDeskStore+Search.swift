import Foundation
import PostgresNIO
import Shared

/// Search runs in stages, best first, each only while the page is not full: whole words and their
/// English stems (`plainto_tsquery`, which reads its text as plain words: no operator, quote or
/// parenthesis means anything); then words that begin with each term ("offl" finds "offline"; only where a term
/// begins a longer word: `wordStarts`); then (a
/// ticket's own fields only) any substring, every term by `ILIKE` on the trigram index. Words are compared
/// with their accents folded (`search_folded`). Within a stage a match in the ticket itself comes before one
/// only in its thread, and newer before older, as on SQLite: a common word then costs a walk of the newest
/// rows until the page is full, where ranking (`ts_rank`, `similarity`) read every match first (108 ms for
/// "printer offline" in the notes at 100 times the demo, 0.3 ms newest first; README, "Search"); a rare one
/// is found through its index (`newestFirst`). Devices, which have no time to order by, keep `similarity`: a host
/// name or serial number matches few. What was typed is bound, never spliced into SQL.
extension PostgresServiceDeskStore {

    public func searchTickets(_ text: String, filter: TicketFilter, limit: Int, scope: ServiceDeskScope) async throws -> Page<TicketSearchHit> {
        guard let query = FullTextQuery(text) else { throw ServiceDeskQueryError.searchTermsTooShort }
        let conditions = SQLConditions.tickets(filter, scope: scope, dialect: .postgres)
        let whole = words(query)
        func page(_ rows: TicketSearchStages.Rows, names: [String: String]) -> Page<TicketSearchHit> {
            let hits = rows.map { ticket, noteBody in
                TicketSearchHit(
                    ticket: ticket, matchedIn: noteBody == nil ? .ticket : .note,
                    excerpt: noteBody.map { SearchExcerpt.make($0, terms: query.excerptTerms) }
                        ?? SearchExcerpt.make(ticket: ticket, terms: query.excerptTerms))
            }
            return Page(items: hits, nextCursor: nil, customerNames: names)
        }
        // Most searches end in the tickets' own newest rows, read on one connection outside a transaction: the
        // walk of the newest rows is the primary key's whatever the planner may think of sequential scans.
        let newest = try await database.withConnection { connection -> Page<TicketSearchHit>? in
            let rows = try await ticketsByWords(whole, conditions, scope: scope, limit: limit, reading: .newest, on: connection)
            guard rows.count >= limit else { return nil }
            return page(rows, names: try await customerNames(ids: rows.map(\.ticket.companyID), scope: scope, on: connection))
        }
        if let newest { return newest }

        // The other stages on two connections at once, each in a transaction of its own, so that neither holds a
        // connection while it waits for the other's (the pool cannot deadlock): the notes' whole words on one,
        // as on a large desk they read the longest index lists; the tickets' index, the word starts and the
        // substrings on the other. Each stage is skipped, or stops at its newest rows, once the stages before it
        // fill the page (`TicketSearchStages`). A stage that turns out not to be needed costs the database, never the
        // caller's wait; the search that finds nothing at 100 times the demo waits about a third less (README, "Search").
        let stages = TicketSearchStages(limit: limit)
        async let notes: Void = searching { connection in
            try await stage(.noteWords, of: stages) { enough in
                try await ticketsByNotes(whole, conditions, scope: scope, limit: limit * 4, enough: enough, on: connection)
            }
        }
        try await searching { connection in
            try await stage(.ticketWords, of: stages) { _ in
                try await ticketsByWords(whole, conditions, scope: scope, limit: limit, reading: .index, on: connection)
            }
            guard !stages.isPageFull(before: .ticketWordStarts) else { return }
            let starts = try await wordStarts(query, on: connection)
            if let words = starts.tickets {
                try await stage(.ticketWordStarts, of: stages) { enough in
                    try await ticketsByWords(words, conditions, scope: scope, limit: limit, enough: enough, on: connection)
                }
            }
            if let words = starts.notes {
                try await stage(.noteWordStarts, of: stages) { enough in
                    try await ticketsByNotes(words, conditions, scope: scope, limit: limit * 4, enough: enough, on: connection)
                }
            }
            try await stage(.ticketSubstrings, of: stages) { _ in
                try await ticketsBySubstrings(query, conditions, limit: limit, on: connection)
            }
        }
        try await notes
        let rows = stages.page()
        return page(rows, names: try await customerNames(ids: rows.map(\.ticket.companyID), scope: scope))
    }

    /// Runs one stage of a search unless the stages before it already fill the page; `read` is given the test
    /// of whether a word stage's newest rows are enough.
    private func stage(
        _ stage: TicketSearchStages.Stage, of stages: TicketSearchStages,
        _ read: (_ enough: (TicketSearchStages.Rows) -> Bool) async throws -> TicketSearchStages.Rows
    ) async throws {
        guard !stages.isPageFull(before: stage) else { return }
        stages.finish(stage, try await read { stages.isPageFull(before: stage, adding: $0) })
    }

    /// Runs a search's queries on one connection, in a transaction with sequential scans off (`SET LOCAL`): every
    /// stage is meant to be answered by an index, and the planner prices `@@` and `ILIKE` as cheap, so on a small desk
    /// it scanned every note instead (16 ms at the demo's size where the GIN index answers in under 2).
    private func searching<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await database.transaction { connection in
            _ = try await query(PostgresQuery(sql: "SELECT set_config('enable_seqscan', 'off', true)", []), on: connection)
            return try await body(connection)
        }
    }

    /// The words as a bound `plainto_tsquery`, and its text.
    private func words(_ query: FullTextQuery) -> WordQuery {
        WordQuery(
            sql: "plainto_tsquery('english'::regconfig, search_folded(?))", value: .text(query.terms.joined(separator: " ")))
    }

    /// Every term as the beginning of a word, for tickets and for notes, asked of the database once a search needs
    /// it: a `tsquery` of the terms' letter and digit runs, each `'run':*` where its word begins a longer word the
    /// table's index holds (`search_term`) and `'run'` where not, since that matches the same rows without GIN's
    /// prefix read (the migration `desk8` says what that costs); nil for a table where no run begins a longer word,
    /// as the stage would find only what the whole words found. The runs are quoted only once folded, without the
    /// quote or backslash folding can bring ("ŉ" folds to "'n"), so nothing typed is ever read as an operator or
    /// breaks a quote. The longer word is looked for by a scalar subquery, which the planner keeps a seek on the
    /// primary key: as `EXISTS` it became a join that read every word of the table when `search_term` had no
    /// statistics yet (12 ms for two words at the demo's size right after `seed-demo`).
    private func wordStarts(_ query: FullTextQuery, on connection: PostgresConnection) async throws -> WordStarts {
        let runs = query.terms.flatMap { $0.split { !($0.isLetter || $0.isNumber) } }
        var starts = WordStarts(tickets: nil, notes: nil)
        if !runs.isEmpty {
            func begins(_ source: String) -> String {
                """
                EXISTS (SELECT 1 FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, folded))) AS word
                    WHERE (SELECT term FROM search_term WHERE source = '\(source)'
                        AND term > word COLLATE "C" AND term < word || chr(1114111) COLLATE "C" LIMIT 1) IS NOT NULL)
                """
            }
            func startsQuery(_ column: String) -> String {
                """
                CASE WHEN bool_or(\(column)) THEN
                    to_tsquery('english'::regconfig, string_agg(quoted || CASE WHEN \(column) THEN ':*' ELSE '' END, ' & '))::text END
                """
            }
            let statement = PostgresQuery(
                sql: #"""
                    SELECT \#(startsQuery("in_tickets")), \#(startsQuery("in_notes")) FROM (
                        SELECT '''' || folded || '''' AS quoted, \#(begins("ticket")) AS in_tickets, \#(begins("note")) AS in_notes
                        FROM regexp_split_to_table(?, ' ') AS run, translate(search_folded(run), '''\', '') AS folded WHERE folded <> '') AS runs
                    """#,
                [.text(runs.joined(separator: " "))])
            for try await (tickets, notes) in try await self.query(statement, on: connection).decode((String?, String?).self) {
                func tsquery(_ text: String?) -> WordQuery? { text.map { WordQuery(sql: "tsquery(?)", value: .text($0)) } }
                starts = WordStarts(tickets: tsquery(tickets), notes: tsquery(notes))
            }
        }
        return starts
    }

    /// `wordStarts` asked once for all the kinds of one `search_global`.
    private func wordStarts(_ query: FullTextQuery, remembered known: inout WordStarts?, on connection: PostgresConnection) async throws -> WordStarts {
        if let known { return known }
        let starts = try await wordStarts(query, on: connection)
        known = starts
        return starts
    }

    /// The word-start queries of a search, for tickets' own fields and for notes.
    private struct WordStarts {
        let tickets: WordQuery?
        let notes: WordQuery?
    }

    /// A `tsquery` expression with the one value it binds, written as a function call (a cast as `tsquery(?)`) so it
    /// may stand in `FROM`.
    private struct WordQuery {
        let sql: String
        let value: SQLValue
    }

    /// A word stage's rows, newest first: `read` is given a `WITH matched AS (…)` clause naming the matching rows of
    /// `table` (the given `columns` of `t`, `seq` among them) and its binds, and orders and limits them itself. The
    /// `tsquery` stands in `FROM`, so it is made once, not for every row.
    ///
    /// Left to itself, the planner chooses between walking the primary key backwards until the page is full and
    /// reading every match through GIN by its estimate of how many rows match, and that estimate fails both ways:
    /// several words are estimated as if independent, while a desk's words travel together or never meet, and the
    /// word-start `tsquery`, made at run time, gets a fixed guess. At 100 times the demo "activesyn partnersh" matched
    /// 24,380 notes where 371 were expected, so every match was read, joined and sorted (290 ms); "outlook password
    /// reset" matched none where 936 were expected, so all 1.8 million notes were walked (750 ms). So a stage first
    /// reads the tenant's newest `searchWindow` rows (1.5 to 2.5 ms at 100 times the demo): when they hold a full
    /// page, it is exactly the newest matches of all. Only when they do not are the matches read through the index
    /// alone (a materialized `WITH` cannot be walked in order; the tenant is checked after the index, behind `OFFSET
    /// 0`, or the planner reads the tenant's every row through its own index instead, 6.6 ms at the demo's size), at a
    /// cost that grows with the matches, never with the table (README, "Search").
    ///
    /// `reading` may keep a stage to one of its two reads, and `enough` may judge the newest rows enough with fewer
    /// than `limit` (`TicketSearchStages`).
    private func newestFirst<Row>(
        _ table: String, columns: String, _ words: WordQuery, scope: ServiceDeskScope, limit: Int, reading: WordReading = .newestFirst,
        enough: ([Row]) -> Bool = { _ in false }, _ read: (_ matched: String, _ values: [SQLValue]) async throws -> [Row]
    ) async throws -> [Row] {
        if reading != .index {
            let newest = try await read(
                """
                WITH matched AS NOT MATERIALIZED (
                    SELECT \(columns) FROM (SELECT * FROM \(table) WHERE tenant_id = ? ORDER BY seq DESC LIMIT \(searchWindow)) AS t, \(words.sql) AS q
                    WHERE search_words @@ q)
                """, [.text(scope.tenantID), words.value])
            if reading == .newest || newest.count >= limit || enough(newest) { return newest }
        }
        return try await read(
            """
            WITH matched AS MATERIALIZED (
                SELECT \(columns) FROM (SELECT t.* FROM \(table) AS t, \(words.sql) AS q WHERE search_words @@ q OFFSET 0) AS t WHERE tenant_id = ?)
            """, [words.value, .text(scope.tenantID)])
    }

    /// Which of a word stage's reads run: the newest rows, then the index when they do not hold the page (the
    /// default); only the newest rows; only the index.
    enum WordReading {
        case newestFirst, newest, index
    }

    /// What a note stage reads of each matching note.
    private static let noteColumns = "seq, tenant_id, id, ticket_id, visibility, body"

    private func ticketsByWords(
        _ words: WordQuery, _ conditions: SQLConditions, scope: ServiceDeskScope, limit: Int, reading: WordReading = .newestFirst,
        enough: (TicketSearchStages.Rows) -> Bool = { _ in false }, on connection: PostgresConnection
    ) async throws -> TicketSearchStages.Rows {
        try await newestFirst("ticket", columns: "t.*", words, scope: scope, limit: limit, reading: reading, enough: enough) { matched, values in
            try await ticketRows(
                """
                \(matched)
                SELECT ticket.*, NULL::text AS matched_note FROM matched AS ticket \(conditions.sql) ORDER BY ticket.seq DESC LIMIT ?
                """, values + conditions.values + [.int(Int64(limit))], on: connection)
        }
    }

    private func ticketsByNotes(
        _ words: WordQuery, _ conditions: SQLConditions, scope: ServiceDeskScope, limit: Int,
        enough: (TicketSearchStages.Rows) -> Bool, on connection: PostgresConnection
    ) async throws -> TicketSearchStages.Rows {
        var notes = SQLConditions()
        if !scope.seesInternalNotes { notes.add("n.visibility = ?", [TicketNote.Visibility.public.rawValue]) }
        notes.add(conditions)
        return try await newestFirst("ticket_note", columns: Self.noteColumns, words, scope: scope, limit: limit, enough: enough) { matched, values in
            try await ticketRows(
                """
                \(matched)
                SELECT ticket.*, n.body AS matched_note FROM matched AS n JOIN ticket ON ticket.tenant_id = n.tenant_id AND ticket.id = n.ticket_id
                \(notes.sql) ORDER BY n.seq DESC LIMIT ?
                """, values + notes.values + [.int(Int64(limit))], on: connection)
        }
    }

    private func ticketsBySubstrings(
        _ query: FullTextQuery, _ conditions: SQLConditions, limit: Int, on connection: PostgresConnection
    ) async throws -> TicketSearchStages.Rows {
        var matching = conditions
        query.addILike(to: &matching, text: Self.ticketText)
        return try await ticketRows(
            """
            SELECT ticket.*, NULL::text AS matched_note FROM ticket \(matching.sql)
            ORDER BY ticket.seq DESC LIMIT ?
            """, matching.values + [.int(Int64(limit))], on: connection)
    }

    private func ticketRows(_ sql: String, _ values: [SQLValue], on connection: PostgresConnection) async throws -> TicketSearchStages.Rows {
        var rows: TicketSearchStages.Rows = []
        for try await row in try await query(PostgresQuery(sql: sql, values), on: connection) {
            let row = row.makeRandomAccess()
            rows.append((try PostgresRowDecoder.decode(Ticket.self, from: row), try row["matched_note"].decode(String?.self)))
        }
        return rows
    }

    public func searchEverything(
        _ text: String, kinds: [GlobalSearchHit.Kind], limitPerKind: Int, scope: ServiceDeskScope
    ) async throws -> Page<GlobalSearchHit> {
        guard let query = FullTextQuery(text) else { throw ServiceDeskQueryError.searchTermsTooShort }
        // Notes, the longest index lists on a large desk, on a connection of their own beside the other kinds, as
        // `searchTickets` does; no kind waits for another's answer, so nothing runs for nothing.
        let apart: [GlobalSearchHit.Kind] = kinds.count > 1 ? kinds.filter { $0 == .note } : []
        func search(_ kinds: [GlobalSearchHit.Kind]) async throws -> (hits: [GlobalSearchHit.Kind: [GlobalSearchHit]], names: [String: String]) {
            guard !kinds.isEmpty else { return ([:], [:]) }
            return try await searching { connection in
                var hits: [GlobalSearchHit.Kind: [GlobalSearchHit]] = [:]
                var starts: WordStarts?
                for kind in kinds {
                    hits[kind] = try await self.search(kind, query, limit: limitPerKind, scope: scope, starts: &starts, on: connection)
                }
                return (hits, try await customerNames(ids: hits.values.joined().map(\.companyID), scope: scope, on: connection))
            }
        }
        async let notes = search(apart)
        let others = try await search(kinds.filter { !apart.contains($0) })
        let (noteHits, noteNames) = try await notes
        let found = others.hits.merging(noteHits) { first, _ in first }
        return Page(items: kinds.flatMap { found[$0] ?? [] }, nextCursor: nil, customerNames: others.names.merging(noteNames) { first, _ in first })
    }

    private func search(
        _ kind: GlobalSearchHit.Kind, _ query: FullTextQuery, limit: Int, scope: ServiceDeskScope, starts: inout WordStarts?,
        on connection: PostgresConnection
    ) async throws -> [GlobalSearchHit] {
        var conditions = SQLConditions()
        switch kind {
        case .customer:
            conditions.scope(scope, table: "company", companyColumn: "id")
            query.addILike(to: &conditions, text: Self.companyText)
            return try await simpleHits(
                kind, "SELECT company.id, company.id, company.name FROM company \(conditions.sql) ORDER BY company.name, company.id LIMIT ?",
                conditions.values + [.int(Int64(limit))], on: connection)
        case .device:
            conditions.scope(scope, table: "asset")
            query.addILike(to: &conditions, text: Self.assetText)
            return try await simpleHits(
                kind,
                """
                SELECT asset.id, asset.company_id, asset.name || ' (' || asset.kind || ')' FROM asset \(conditions.sql)
                ORDER BY public.similarity(\(Self.assetText), ?) DESC, asset.id LIMIT ?
                """, conditions.values + [.text(query.terms.joined(separator: " ")), .int(Int64(limit))], on: connection)
        case .alert:
            conditions.scope(scope, table: "alert")
            query.addILike(to: &conditions, text: Self.alertText)
            return try await simpleHits(
                kind,
                """
                SELECT alert.id, alert.company_id, alert.title FROM alert \(conditions.sql)
                ORDER BY alert.created_at DESC, alert.id LIMIT ?
                """, conditions.values + [.int(Int64(limit))], on: connection)
        case .ticket:
            conditions.scope(scope, table: "ticket")
            var tickets: [Ticket] = []
            func keep(_ rows: TicketSearchStages.Rows) {
                for (ticket, _) in rows where tickets.count < limit && !tickets.contains(where: { $0.id == ticket.id }) { tickets.append(ticket) }
            }
            keep(try await ticketsByWords(words(query), conditions, scope: scope, limit: limit, on: connection))
            if tickets.count < limit, let wordStarts = try await wordStarts(query, remembered: &starts, on: connection).tickets {
                keep(try await ticketsByWords(wordStarts, conditions, scope: scope, limit: limit, on: connection))
            }
            if tickets.count < limit { keep(try await ticketsBySubstrings(query, conditions, limit: limit, on: connection)) }
            return tickets.map {
                GlobalSearchHit(
                    kind: .ticket, id: $0.id, companyID: $0.companyID, title: "\($0.number) \($0.subject)", ticketID: nil,
                    excerpt: SearchExcerpt.make(ticket: $0, terms: query.excerptTerms))
            }
        case .note:
            conditions.scope(scope, table: "ticket")
            if !scope.seesInternalNotes { conditions.add("n.visibility = ?", [TicketNote.Visibility.public.rawValue]) }
            var hits: [GlobalSearchHit] = []
            func keep(_ words: WordQuery) async throws {
                let notes = try await newestFirst("ticket_note", columns: Self.noteColumns, words, scope: scope, limit: limit) { matched, values in
                    let statement = PostgresQuery(
                        sql: """
                            \(matched)
                            SELECT n.id, ticket.company_id, ticket.number || ' ' || ticket.subject, ticket.id, n.body
                            FROM matched AS n JOIN ticket ON ticket.tenant_id = n.tenant_id AND ticket.id = n.ticket_id
                            \(conditions.sql) ORDER BY n.seq DESC LIMIT ?
                            """, values + conditions.values + [.int(Int64(limit))])
                    var rows: [(String, String, String, String, String)] = []
                    for try await row in try await self.query(statement, on: connection).decode((String, String, String, String, String).self) { rows.append(row) }
                    return rows
                }
                for (id, companyID, title, ticketID, body) in notes where hits.count < limit && !hits.contains(where: { $0.id == id }) {
                    hits.append(
                        GlobalSearchHit(
                            kind: .note, id: id, companyID: companyID, title: title, ticketID: ticketID,
                            excerpt: SearchExcerpt.make(body, terms: query.excerptTerms)))
                }
            }
            try await keep(words(query))
            if hits.count < limit, let wordStarts = try await wordStarts(query, remembered: &starts, on: connection).notes { try await keep(wordStarts) }
            return hits
        }
    }

    /// Hits that are an id, a customer and a title.
    private func simpleHits(
        _ kind: GlobalSearchHit.Kind, _ sql: String, _ values: [SQLValue], on connection: PostgresConnection
    ) async throws -> [GlobalSearchHit] {
        var hits: [GlobalSearchHit] = []
        for try await (id, companyID, title) in try await query(PostgresQuery(sql: sql, values), on: connection).decode((String, String, String).self) {
            hits.append(GlobalSearchHit(kind: kind, id: id, companyID: companyID, title: title, ticketID: nil, excerpt: nil))
        }
        return hits
    }
}
