import GRDB

/// Statements prepared once per connection and reused, spelled like GRDB's own calls with `cached:` for `sql:`.
/// Preparing a statement, with the authorizer GRDB runs while SQLite prepares it, cost more than running the
/// small keyed queries of the token endpoint: about a fifth of the auth-server's CPU per refresh grant. Only
/// fixed SQL belongs here; text built per call would fill each connection's cache.
extension Database {
    public func execute(cached sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    public static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    public static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension DatabaseValueConvertible {
    public static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    public static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension FetchableRecord {
    public static func fetchOne(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> Self? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }

    public static func fetchAll(_ db: Database, cached sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Self] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }
}

extension Database {
    /// `body` in one transaction, committed if it returns and rolled back if it throws, as GRDB's `inTransaction`
    /// does, but with BEGIN and COMMIT prepared once per connection: GRDB parses them through the authorizer on
    /// every call, which was about a twelfth of an introspection's CPU. `immediate` takes the write lock at BEGIN.
    public func inCachedTransaction<T>(immediate: Bool = false, _ body: () throws -> T) throws -> T {
        try execute(cached: immediate ? "BEGIN IMMEDIATE TRANSACTION" : "BEGIN DEFERRED TRANSACTION")
        let value: T
        do {
            value = try body()
        } catch {
            try? execute(cached: "ROLLBACK")
            throw error
        }
        do {
            try execute(cached: "COMMIT")
        } catch {
            try? execute(cached: "ROLLBACK")
            throw error
        }
        return value
    }
}

extension DatabasePool {
    /// What GRDB's `read` gives (every statement sees one snapshot), in a transaction of prepared statements, run
    /// on the calling thread. GRDB's async read hops to the reader's dispatch queue and back: two thread wake-ups
    /// that cost more than the keyed reads they carry (an introspection makes four; README § Performance has
    /// what dropping them saved). Only for reads bounded by an index seek: the thread held is one of the few
    /// cooperative threads every request needs; see `isolatedLongRead`.
    public func isolatedRead<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try readOnCallingThread(body)
    }

    /// `isolatedRead` for reads whose cost grows with the data (full-text searches): on the reader's own queue, so
    /// a long one holds one of GCD's threads rather than a cooperative one. The reader is taken and given back on
    /// GCD's threads, never held across a suspension as GRDB's async read holds it: a task holding it while waiting
    /// to resume could wait forever behind `isolatedRead`s blocked on the readers.
    public func isolatedLongRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            asyncUnsafeRead { reader in
                continuation.resume(with: Result {
                    let db = try reader.get()
                    return try db.inCachedTransaction { try body(db) }
                })
            }
        }
    }

    private func readOnCallingThread<T>(_ body: (Database) throws -> T) throws -> T {
        try unsafeRead { db in try db.inCachedTransaction { try body(db) } }
    }

    /// What GRDB's `write` gives (one transaction, the write lock taken at its start), in a transaction of
    /// prepared statements.
    public func isolatedWrite<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await writeWithoutTransaction { db in try db.inCachedTransaction(immediate: true) { try body(db) } }
    }
}
