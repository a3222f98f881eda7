import GRDB

/// One FTS5 index over some of a table's columns, kept in step by triggers so every writer, not only
/// ours, updates it. A bulk load drops the triggers, inserts, and rebuilds the index from the table in one
/// pass, which is several times faster than row by row.
struct SearchIndex: Sendable {
    /// Where the index finds its rows.
    enum Content: Sendable {
        /// The table's own rows by their `seq` (external content, SQLite FTS5 §4.4.3): tickets and notes.
        case external
        /// A copy of the columns with the row's tenant and id beside them, for tables without a stable
        /// integer key (VACUUM may renumber an implicit rowid). Removing a row looks its entry up by id,
        /// a scan of the index: fine where rows are added and rarely renamed or removed (devices, alerts, customers).
        case keyed
    }

    let name: String
    let table: String
    let columns: [String]
    /// The FTS5 `tokenize` option.
    let tokenizer: String
    var content = Content.external

    /// Whole words, stemmed (Porter): "printers" finds "printer"; a term followed by `*`
    /// finds words it begins. Diacritics are folded, so "resume" finds "résumé".
    static let wordTokenizer = "porter unicode61 remove_diacritics 2"

    static let ticketWords = SearchIndex(name: "ticket_words", table: "ticket", columns: ["subject", "number", "requester_email"], tokenizer: wordTokenizer)
    static let noteWords = SearchIndex(name: "note_words", table: "ticket_note", columns: ["body"], tokenizer: wordTokenizer)
    /// Substrings of a ticket's own fields in any language: a piece of a number, an email or a word.
    static let ticketTrigrams = SearchIndex(name: "ticket_search", table: "ticket", columns: ["subject", "number", "requester_email"], tokenizer: "trigram")
    /// Substrings, as `LIKE '%…%'` found them before, without reading every device, alert or customer.
    static let assetTrigrams = SearchIndex(
        name: "asset_search", table: "asset", columns: ["name", "serial_number", "os"], tokenizer: "trigram", content: .keyed
    )
    static let alertTrigrams = SearchIndex(name: "alert_search", table: "alert", columns: ["title"], tokenizer: "trigram", content: .keyed)
    static let companyTrigrams = SearchIndex(name: "company_search", table: "company", columns: ["name", "domain"], tokenizer: "trigram", content: .keyed)
    /// The notes' trigram index of the first schema: four fifths of the search data, dropped for
    /// `noteWords` (README, "Search").
    static let retiredNoteTrigrams = SearchIndex(name: "note_search", table: "ticket_note", columns: ["body"], tokenizer: "trigram")

    /// The indexes a current database has.
    /// The indexes of whole words, whose vocabularies tell search whether a word start begins anything longer.
    static let wordIndexes = [ticketWords, noteWords]

    static let current = [ticketWords, noteWords, ticketTrigrams, assetTrigrams, alertTrigrams, companyTrigrams]

    private var indexed: [String] { content == .keyed ? ["tenant_id", "id"] + columns : columns }
    private var columnList: String { indexed.joined(separator: ", ") }
    private func values(_ row: String) -> String { indexed.map { "\(row).\($0)" }.joined(separator: ", ") }

    func create(_ db: Database) throws {
        switch content {
        case .external:
            try db.execute(sql: "CREATE VIRTUAL TABLE \(name) USING fts5(\(columnList), content='\(table)', content_rowid='seq', tokenize='\(tokenizer)')")
        case .keyed:
            let definitions = ["tenant_id UNINDEXED", "id UNINDEXED"] + columns
            try db.execute(sql: "CREATE VIRTUAL TABLE \(name) USING fts5(\(definitions.joined(separator: ", ")), tokenize='\(tokenizer)')")
        }
        try createTriggers(db)
    }

    func createTriggers(_ db: Database) throws {
        let insert = content == .external
            ? "INSERT INTO \(name)(rowid, \(columnList)) VALUES (new.seq, \(values("new")));"
            : "INSERT INTO \(name)(\(columnList)) VALUES (\(values("new")));"
        let delete = content == .external
            ? "INSERT INTO \(name)(\(name), rowid, \(columnList)) VALUES ('delete', old.seq, \(values("old")));"
            : "DELETE FROM \(name) WHERE rowid IN (SELECT rowid FROM \(name) WHERE tenant_id = old.tenant_id AND id = old.id);"
        try db.execute(sql: """
            CREATE TRIGGER \(name)_insert AFTER INSERT ON \(table) BEGIN \(insert) END;
            CREATE TRIGGER \(name)_delete AFTER DELETE ON \(table) BEGIN \(delete) END;
            CREATE TRIGGER \(name)_update AFTER UPDATE OF \(columns.joined(separator: ", ")) ON \(table) BEGIN \(delete) \(insert) END;
            """)
    }

    func dropTriggers(_ db: Database) throws {
        for event in ["insert", "delete", "update"] { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)_\(event)") }
    }

    /// The index's words, one row per occurrence (`fts5vocab`, SQLite FTS5 §7): a range read stops at the first
    /// occurrence, so whether a word begins any longer one costs a seek, where the 'row' form counts every
    /// occurrence of every word it passes.
    var vocabulary: String { "\(name)_terms" }

    func createVocabulary(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE \(vocabulary) USING fts5vocab(\(name), 'instance')")
    }

    /// Whether `term`'s last word, as this index reads it (stemmed, folded), begins a longer word the index holds:
    /// if not, `"term" *` matches what `"term"` does (FTS5 §3.3 applies `*` to a phrase's last word). The range is
    /// strict, past the word's own occurrences (U+0001 is in no word); U+10FFFF sorts after every character.
    func beginsLongerWord(_ term: String, _ db: Database) throws -> Bool {
        let words = try db.makeTokenizer(FTS5TokenizerDescriptor(components: tokenizer.split(separator: " ").map(String.init)))
        guard let last = try words.tokenize(query: term).last?.token else { return true }
        return try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM \(vocabulary) WHERE term >= ? AND term < ? LIMIT 1"),
            arguments: [last + "\u{1}", last + "\u{10FFFF}"]) ?? false
    }

    func drop(_ db: Database) throws {
        try dropTriggers(db)
        try db.execute(sql: "DROP TABLE IF EXISTS \(name)")
    }

    /// Reads the whole table again: after a load without triggers, or for a new index.
    func rebuild(_ db: Database) throws {
        switch content {
        case .external:
            try db.execute(sql: "INSERT INTO \(name)(\(name)) VALUES ('rebuild')")
        case .keyed:
            try db.execute(sql: "DELETE FROM \(name)")
            try db.execute(sql: "INSERT INTO \(name)(\(columnList)) SELECT \(columnList) FROM \(table)")
        }
    }
}
