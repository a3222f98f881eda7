import GRDB

/// One FTS5 index over a table's own columns (external content, SQLite FTS5 §4.4.3), kept in step by
/// triggers so every writer, not only ours, updates it. A bulk load drops the triggers, inserts, and
/// rebuilds the index from the table in one pass, which is several times faster than row by row.
struct SearchIndex: Sendable {
    let name: String
    let table: String
    let columns: [String]
    /// The FTS5 `tokenize` option.
    let tokenizer: String

    /// Whole words, stemmed (Porter): "printers" finds "printer"; a term followed by `*`
    /// finds words it begins. Diacritics are folded, so "resume" finds "résumé".
    static let wordTokenizer = "porter unicode61 remove_diacritics 2"

    static let ticketWords = SearchIndex(name: "ticket_words", table: "ticket", columns: ["subject", "number", "requester_email"], tokenizer: wordTokenizer)
    static let noteWords = SearchIndex(name: "note_words", table: "ticket_note", columns: ["body"], tokenizer: wordTokenizer)
    /// Substrings of a ticket's own fields in any language: a piece of a number, an email or a word.
    static let ticketTrigrams = SearchIndex(name: "ticket_search", table: "ticket", columns: ["subject", "number", "requester_email"], tokenizer: "trigram")
    /// The notes' trigram index of the first schema: about nine tenths of the search data, dropped for
    /// `noteWords` (see the README's search section for the measurements).
    static let retiredNoteTrigrams = SearchIndex(name: "note_search", table: "ticket_note", columns: ["body"], tokenizer: "trigram")

    /// The indexes a current database has.
    static let current = [ticketWords, noteWords, ticketTrigrams]

    private var columnList: String { columns.joined(separator: ", ") }
    private var newValues: String { columns.map { "new.\($0)" }.joined(separator: ", ") }
    private var oldValues: String { columns.map { "old.\($0)" }.joined(separator: ", ") }

    func create(_ db: Database) throws {
        try db.execute(sql: "CREATE VIRTUAL TABLE \(name) USING fts5(\(columnList), content='\(table)', content_rowid='seq', tokenize='\(tokenizer)')")
        try createTriggers(db)
    }

    func createTriggers(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER \(name)_insert AFTER INSERT ON \(table) BEGIN
                INSERT INTO \(name)(rowid, \(columnList)) VALUES (new.seq, \(newValues));
            END;
            CREATE TRIGGER \(name)_delete AFTER DELETE ON \(table) BEGIN
                INSERT INTO \(name)(\(name), rowid, \(columnList)) VALUES ('delete', old.seq, \(oldValues));
            END;
            CREATE TRIGGER \(name)_update AFTER UPDATE OF \(columnList) ON \(table) BEGIN
                INSERT INTO \(name)(\(name), rowid, \(columnList)) VALUES ('delete', old.seq, \(oldValues));
                INSERT INTO \(name)(rowid, \(columnList)) VALUES (new.seq, \(newValues));
            END;
            """)
    }

    func dropTriggers(_ db: Database) throws {
        for event in ["insert", "delete", "update"] { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)_\(event)") }
    }

    func drop(_ db: Database) throws {
        try dropTriggers(db)
        try db.execute(sql: "DROP TABLE IF EXISTS \(name)")
    }

    /// Reads the whole table again (FTS5 'rebuild'): after a load without triggers, or for a new index.
    func rebuild(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO \(name)(\(name)) VALUES ('rebuild')")
    }
}
