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

extension DatabasePool {
    /// What GRDB's `read` gives (one deferred transaction, so every statement sees the same snapshot), with the
    /// transaction's BEGIN and COMMIT prepared once per connection: `read` parses both afresh on every call,
    /// through the authorizer, which was about a twelfth of an introspection's CPU.
    public func isolatedRead<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        try await unsafeRead { db in
            try db.execute(cached: "BEGIN DEFERRED TRANSACTION")
            let value: T
            do {
                value = try body(db)
            } catch {
                try? db.execute(cached: "ROLLBACK")
                throw error
            }
            try db.execute(cached: "COMMIT")
            return value
        }
    }
}
