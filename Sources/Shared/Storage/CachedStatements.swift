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
