import GRDB

/// The named PRAGMAs of a connection as one line ("journal_mode=wal synchronous=2"), to compare with what a store
/// is meant to open its connections with. Some (mmap_size) have no table-valued form to select them together.
public func sqliteSettings(_ names: [String], of db: Database) throws -> String {
    try names.map { name in "\(name)=\(try String.fetchOne(db, sql: "PRAGMA \(name)") ?? "")" }.joined(separator: " ")
}
